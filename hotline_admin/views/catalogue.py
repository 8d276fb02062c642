"""Topics and report settings: plain data, nothing to apply to Asterisk."""

from django.contrib import messages
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hotline_admin.forms import ReportSettingsForm, TopicCategoryForm, TopicForm
from hotline_admin.views.access import administrator_required
from hotline_crm.models import Topic, TopicCategory
from hotline_reports.models import ReportSettings


@administrator_required
def topic_list(request: HttpRequest) -> HttpResponse:
    categories = TopicCategory.objects.prefetch_related("topics")
    return render(request, "hotline_admin/topic_list.html", {"categories": categories})


@administrator_required
def category_edit(request: HttpRequest, category_id: int | None = None) -> HttpResponse:
    category = get_object_or_404(TopicCategory, pk=category_id) if category_id else None
    form = TopicCategoryForm(request.POST or None, instance=category)
    return _save_simple_form(
        request, form, _("Topic category"), done="hotline_admin:topics", back="hotline_admin:topics"
    )


@administrator_required
def topic_edit(request: HttpRequest, topic_id: int | None = None) -> HttpResponse:
    topic = get_object_or_404(Topic, pk=topic_id) if topic_id else None
    initial = {"category": request.GET.get("category")} if topic is None else None
    form = TopicForm(request.POST or None, instance=topic, initial=initial)
    return _save_simple_form(
        request, form, _("Topic"), done="hotline_admin:topics", back="hotline_admin:topics"
    )


@administrator_required
def report_settings(request: HttpRequest) -> HttpResponse:
    form = ReportSettingsForm(request.POST or None, instance=ReportSettings.load())
    return _save_simple_form(
        request, form, _("Age bands and service level"), done="hotline_admin:reports", back=None
    )


def _save_simple_form(
    request: HttpRequest, form: ModelForm, title: str, done: str, back: str | None
) -> HttpResponse:
    """Save a one-model form and go to `done`, or show it again with its errors."""
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect(done)
    return render(
        request, "hotline_admin/simple_form.html", {"form": form, "title": title, "back": back}
    )
