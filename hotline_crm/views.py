"""The consultant's pages. Thin: objects come through `access`, writes go through `services`."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline_audit.trail import Kind, record
from hotline_crm import access, services
from hotline_crm import consultation_list as listing
from hotline_crm.forms import (
    BreakGlassForm,
    ClientForm,
    ClientPhoneFormSet,
    ConsultationForm,
    DemographicsForm,
)
from hotline_crm.models import Client
from hotline_crm.roles import is_staff_member, is_supervisor, require

RECENT = 10


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, and in one of the three roles: anyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        require(is_staff_member, request.user)
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def workspace(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    search = services.find_clients(request.user, query) if query.strip() else None
    if search and search.by_phone and len(search.clients) == 1:
        return redirect("hotline_crm:client_detail", search.clients[0].pk)
    recent = (
        access.consultations_for(request.user)
        .filter(consultant=request.user)
        .select_related("client")
        .prefetch_related("topics")[:RECENT]
    )
    glass = (
        BreakGlassForm(initial={"number": search.number})
        if search and search.behind_glass
        else None
    )
    return render(
        request,
        "hotline_crm/workspace.html",
        {"query": query, "search": search, "recent_consultations": recent, "glass": glass},
    )


@staff_required
@require_POST
def break_glass(request: HttpRequest) -> HttpResponse:
    """Open a card one does not serve: its exact number and a stated reason."""
    form = BreakGlassForm(request.POST)
    if form.is_valid():
        client = services.break_glass(request, **form.cleaned_data)
        if client is not None:
            return redirect("hotline_crm:client_detail", client.pk)
        form.add_error("number", _("No card has this number."))
    return render(
        request,
        "hotline_crm/workspace.html",
        {"query": request.POST.get("number", ""), "search": None, "glass": form},
        status=400,
    )


@staff_required
def client_create(request: HttpRequest) -> HttpResponse:
    client = Client()
    if request.method == "POST":
        form, phones = _card_forms(request, client)
        if _all_valid(form, phones):
            try:
                services.create_client(
                    by=request.user,
                    client=form.save(commit=False),
                    phones=phones.save(commit=False),
                )
            except services.PhoneNumberTaken as taken:
                form, phones = _after_phone_race(request, Client(), taken)
            else:
                messages.success(request, _("The card is created."))
                return redirect("hotline_crm:client_detail", client.pk)
    else:
        number = request.GET.get("phone", "").strip()
        form = ClientForm(instance=client)
        phones = ClientPhoneFormSet(
            instance=client,
            prefix="phones",
            form_kwargs={"user": request.user},
            initial=[{"number": number}] if number else None,
        )
    return render(request, "hotline_crm/client_form.html", {"form": form, "phones": phones})


@staff_required
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = access.client_or_404(request.user, pk)
    read_only = access.opened_by_break_glass(request.user, client)
    record(
        Kind.CARD_VIEW,
        request=request,
        obj=client,
        client=client,
        detail="break-glass" if read_only else "",
    )
    return render(
        request,
        "hotline_crm/client_detail.html",
        {
            "client": client,
            "history": access.client_history(request.user, client),
            "read_only": read_only,
        },
    )


@staff_required
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # A card opened by break-glass is read-only: only those who serve it edit it.
    client = access.served_client_or_404(request.user, pk)
    if request.method == "POST":
        form, phones = _card_forms(request, client)
        if _all_valid(form, phones):
            try:
                services.update_client(
                    by=request.user,
                    request=request,
                    client=form.save(commit=False),
                    phones=phones.save(commit=False),
                    removed=phones.deleted_objects,
                )
            except services.PhoneNumberTaken as taken:
                fresh = access.served_client_or_404(request.user, pk)
                form, phones = _after_phone_race(request, fresh, taken)
            else:
                messages.success(request, _("The card is saved."))
                return redirect("hotline_crm:client_detail", client.pk)
    else:
        form = ClientForm(instance=client)
        phones = ClientPhoneFormSet(
            instance=client, prefix="phones", form_kwargs={"user": request.user}
        )
    return render(
        request,
        "hotline_crm/client_form.html",
        {"form": form, "phones": phones, "client": client},
    )


@staff_required
def consultation_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = access.client_or_404(request.user, client_pk)
    call = access.call_to_document(request.user, client, request.GET.get("call"))
    if request.method == "POST":
        card = DemographicsForm(request.POST, instance=client, prefix="card")
        form = ConsultationForm(request.POST)
        if _all_valid(card, form):
            consultation = services.record_consultation(
                by=request.user,
                client=card.save(commit=False),
                consultation=form.save(commit=False),
                topics=form.cleaned_data["topics"],
                call=call,
            )
            messages.success(request, _("The consultation is saved."))
            return redirect("hotline_crm:consultation_detail", consultation.pk)
    else:
        card = DemographicsForm(instance=client, prefix="card")
        form = ConsultationForm()
    return render(
        request,
        "hotline_crm/consultation_form.html",
        {"client": client, "card": card, "form": form, "call": call},
    )


@staff_required
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = access.consultation_or_404(request.user, pk)
    record(Kind.FORM_VIEW, request=request, obj=consultation, client=consultation.client_id)
    return render(request, "hotline_crm/consultation_detail.html", {"consultation": consultation})


@staff_required
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # Whoever may read a form may correct it: its author, or a supervisor.
    consultation = access.consultation_or_404(request.user, pk)
    if request.method == "POST":
        form = ConsultationForm(request.POST, instance=consultation)
        if form.is_valid():
            services.update_consultation(
                by=request.user,
                consultation=form.save(commit=False),
                topics=form.cleaned_data["topics"],
            )
            messages.success(request, _("The consultation is saved."))
            return redirect("hotline_crm:consultation_detail", consultation.pk)
    else:
        form = ConsultationForm(instance=consultation)
    return render(
        request,
        "hotline_crm/consultation_form.html",
        {"client": consultation.client, "form": form, "consultation": consultation},
    )


@staff_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    """A consultant's own forms; a supervisor's view of everyone's, or only their own;
    filtered by period, topic and outcome, searched, and paged by a cursor."""
    consultations = access.consultations_for(request.user)
    only_mine = not is_supervisor(request.user) or request.GET.get("mine") == "1"
    if only_mine:
        consultations = consultations.filter(consultant=request.user)
    form = listing.ConsultationListForm(request.GET)
    form.is_valid()  # Invalid fields are shown with their message and do not filter.
    consultations = listing.filtered(consultations, form.cleaned_data)
    page = listing.page_of(
        consultations.select_related("client", "consultant").prefetch_related("topics"),
        before=listing.Cursor.parse(request.GET.get("before", "")),
        after=listing.Cursor.parse(request.GET.get("after", "")),
    )
    kept = request.GET.copy()
    for name in ("before", "after", "page"):
        kept.pop(name, None)
    return render(
        request,
        "hotline_crm/consultation_list.html",
        {"page": page, "form": form, "only_mine": only_mine, "query": kept.urlencode()},
    )


def _card_forms(request: HttpRequest, client: Client) -> tuple[ClientForm, ClientPhoneFormSet]:
    form = ClientForm(request.POST, instance=client)
    phones = ClientPhoneFormSet(
        request.POST, instance=client, prefix="phones", form_kwargs={"user": request.user}
    )
    return form, phones


def _after_phone_race(
    request: HttpRequest, client: Client, taken: services.PhoneNumberTaken
) -> tuple[ClientForm, ClientPhoneFormSet]:
    """Another card took a number while this one was saved: show what was typed, and why."""
    form, phones = _card_forms(request, client)
    if _all_valid(form, phones):
        form.add_error(
            None,
            _(
                "The number %(number)s was saved on another card a moment ago. "
                "Check the numbers and save again."
            )
            % {"number": taken.number},
        )
    return form, phones


def _all_valid(*forms) -> bool:
    # Validate every form, not just up to the first invalid one, so all errors show at once.
    return all([form.is_valid() for form in forms])
