"""«Заповнити форму для цього дзвінка»: where the journal and the call page send the
consultant who talked on a call that has no consultation form yet."""

from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from hotline_asterisk_connector.models import Call


def fill_form_url(call: Call, user: AbstractBaseUser) -> str:
    """The new form for `call`'s client, for the consultant who answered it, while
    it has no form; empty otherwise. No query: the journal
    shows hundreds of rows (Call.consultation_id, Call.client_id are columns)."""
    if call.consultation_id or call.answered_at is None or call.consultant_id != user.pk:
        return ""
    if not call.client_id:
        # No card yet: the desk's pop offers «Нова картка» and attaches the call.
        return ""
    url = reverse("hotline_crm:consultation_create", args=[call.client_id])
    return f"{url}?{urlencode({'call': call.pk})}"
