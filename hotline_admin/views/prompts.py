from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline_admin import prompts
from hotline_admin.models import Prompt, PromptSource
from hotline_admin.pbx import apply_and_report
from hotline_admin.views.access import administrator_required
from hotline_workspace import audio


def _known(name: str) -> prompts.PromptInfo:
    for info in prompts.catalogue():
        if info.name == name:
            return info
    raise Http404


@administrator_required
@require_GET
def prompt_list(request: HttpRequest) -> HttpResponse:
    custom = {prompt.name: prompt for prompt in Prompt.objects.select_related("uploaded_by")}
    rows = [(info, custom.get(info.name)) for info in prompts.catalogue()]
    return render(
        request,
        "hotline_admin/prompt_list.html",
        {"rows": rows, "max_mb": prompts.MAX_UPLOAD_BYTES // 1024 // 1024},
    )


@administrator_required
@require_POST
def prompt_upload(request: HttpRequest, name: str) -> HttpResponse:
    """An uploaded file or a browser recording; the browser's fetch() gets JSON back."""
    info = _known(name)
    upload = request.FILES.get("audio")
    source = (
        PromptSource.MICROPHONE
        if request.POST.get("source") == PromptSource.MICROPHONE
        else PromptSource.UPLOAD
    )
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    try:
        if upload is None:
            raise prompts.PromptError(_("Choose an audio file first."))
        prompts.replace_prompt(info.name, upload, source, request.user)
    except prompts.PromptError as error:
        if wants_json:
            return JsonResponse({"ok": False, "error": str(error)}, status=400)
        messages.error(request, str(error))
        return redirect("hotline_admin:prompts")
    # The dialplan names the administrator's file instead of the default one.
    change = apply_and_report(request, _("Prompt “%(prompt)s” replaced") % {"prompt": info.title})
    if wants_json:
        return JsonResponse({"ok": True, "accepted": change.accepted})
    return redirect("hotline_admin:prompts")


@administrator_required
@require_POST
def prompt_restore(request: HttpRequest, name: str) -> HttpResponse:
    info = _known(name)
    prompts.restore_default(info.name)
    apply_and_report(request, _("Default prompt “%(prompt)s” restored") % {"prompt": info.title})
    return redirect("hotline_admin:prompts")


@administrator_required
@require_GET
def prompt_audio(request: HttpRequest, name: str) -> HttpResponse:
    """What callers hear now: the administrator's recording, or the default one."""
    info = _known(name)
    path = prompts.current_path(info)
    if path is None:
        raise Http404
    return audio.stream(request, path)
