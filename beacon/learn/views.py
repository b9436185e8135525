"""Learn and the glossary: public pages (no sign-in, no cookie, no script, nothing fetched from
elsewhere) and the staff's pages to write, publish and keep them (docs/public-site.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beacon.core.access import require_role
from beacon.core.edits import Edit, save_edit
from beacon.learn import permissions, selectors, services
from beacon.learn.forms import ArticleForm, GlossarySearchForm, TermForm
from beacon.learn.models import Category
from beacon.learn.rendering import plain_text, render_markdown
from beacon.organizations.models import STAFF_ROLES, Role

staff_only = require_role(*STAFF_ROLES)
publishers_only = require_role(Role.ORG_ADMIN, Role.SUPERVISOR)
admins_only = require_role(Role.ORG_ADMIN)


def _saved_meanwhile(form, what: str) -> None:
    form.add_error(
        None,
        _(
            "Someone else saved this %(what)s while you were working. What you typed is still "
            "here; save again to keep yours."
        )
        % {"what": what},
    )


# Public pages ------------------------------------------------------------------------------------


@login_not_required
@require_GET
def index(request):
    return render(request, "learn/index.html", {"sections": selectors.articles_by_category()})


def _article_page(request, slug: str, template: str):
    article = selectors.article_public(slug=slug)
    return render(
        request,
        template,
        {
            "article": article,
            "body": render_markdown(article.body),
            "category": Category(article.category).label,
            "public_url": request.build_absolute_uri(article.public_path),
        },
    )


@login_not_required
@require_GET
def article(request, slug):
    return _article_page(request, slug, "learn/article.html")


@login_not_required
@require_GET
def article_print(request, slug):
    return _article_page(request, slug, "learn/print.html")


@login_not_required
@require_GET
def glossary(request):
    form = GlossarySearchForm(request.GET or None)
    found = selectors.glossary_search(text=form.text)
    return render(
        request,
        "learn/glossary.html",
        {
            "form": form,
            "terms": [(term, plain_text(term.definition)) for term in found.terms],
            "guide": found.guide,
            "searched": bool(form.text),
        },
    )


@login_not_required
@require_GET
def term(request, slug):
    term = selectors.term_public(slug=slug)
    return render(
        request,
        "learn/term.html",
        {"term": term, "definition": render_markdown(term.definition)},
    )


# The staff's pages: articles ---------------------------------------------------------------------


@staff_only
def manage(request):
    return render(
        request,
        "learn/manage.html",
        {"articles": selectors.articles_for_member(member=request.member)},
    )


@staff_only
def article_new(request):
    form = ArticleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        edit = save_edit(
            form,
            lambda form: services.article_create(member=request.member, values=form.values()),
            rebind=ArticleForm,
        )
        if edit.saved:
            messages.success(request, _("The draft is saved. Nobody outside Beacon sees it yet."))
            return redirect("learn:detail", edit.result.pk)
        form, status = edit.form, edit.status
    return render(request, "learn/article_form.html", {"form": form}, status=status)


@staff_only
def detail(request, article_id):
    """The article as the public will read it, with its state, its public link and what the
    member may do with it."""
    article = selectors.article_get_for_member(member=request.member, pk=article_id)
    return render(
        request,
        "learn/detail.html",
        {
            "article": article,
            "body": render_markdown(article.body),
            "category": Category(article.category).label,
            "public_url": request.build_absolute_uri(article.public_path),
            "may_edit": permissions.can_edit_article(request.member, article),
            "may_publish": permissions.can_publish(request.member),
        },
    )


@staff_only
def article_edit(request, article_id):
    article = selectors.article_get_for_member(member=request.member, pk=article_id, for_write=True)
    if request.method == "POST":
        edit = save_edit(
            ArticleForm(request.POST),
            lambda form: services.article_update(
                member=request.member,
                article=article,
                expected_version=form.cleaned_data["version"] or 0,
                values=form.values(),
            ),
            rebind=ArticleForm,
        )
        if edit.saved:
            messages.success(request, _("The article is saved."))
            return redirect("learn:detail", article.pk)
        if edit.stale:
            _saved_meanwhile(edit.form, _("article"))
    else:
        edit = Edit(ArticleForm(initial=ArticleForm.initial_from(article)))
    return render(
        request,
        "learn/article_form.html",
        {"form": edit.form, "article": article},
        status=edit.status,
    )


@require_POST
@publishers_only
def publish(request, article_id):
    article = selectors.article_get_for_member(member=request.member, pk=article_id)
    services.article_publish(member=request.member, article=article)
    messages.success(request, _("Published: anyone can read it on Learn now."))
    return redirect("learn:detail", article.pk)


@require_POST
@publishers_only
def unpublish(request, article_id):
    article = selectors.article_get_for_member(member=request.member, pk=article_id)
    services.article_unpublish(member=request.member, article=article)
    messages.success(
        request,
        _(
            "Unpublished: it is a draft again, and its address answers "
            "“not found” until it is published."
        ),
    )
    return redirect("learn:detail", article.pk)


# The staff's pages: glossary terms ---------------------------------------------------------------


@admins_only
def terms_manage(request):
    return render(
        request,
        "learn/terms_manage.html",
        {"terms": selectors.terms_for_member(member=request.member)},
    )


@admins_only
def term_new(request):
    form = TermForm(request.POST or None)
    status = 200
    if request.method == "POST":
        edit = save_edit(
            form,
            lambda form: services.term_create(member=request.member, values=form.values()),
            rebind=TermForm,
        )
        if edit.saved:
            messages.success(request, _("The term is in the glossary."))
            return redirect("glossary:manage")
        form, status = edit.form, edit.status
    return render(request, "learn/term_form.html", {"form": form}, status=status)


@admins_only
def term_edit(request, term_id):
    term = selectors.term_get_for_member(member=request.member, pk=term_id, for_write=True)
    if request.method == "POST":
        edit = save_edit(
            TermForm(request.POST),
            lambda form: services.term_update(
                member=request.member,
                term=term,
                expected_version=form.cleaned_data["version"] or 0,
                values=form.values(),
            ),
            rebind=TermForm,
        )
        if edit.saved:
            messages.success(request, _("The term is saved."))
            return redirect("glossary:manage")
        if edit.stale:
            _saved_meanwhile(edit.form, _("term"))
    else:
        edit = Edit(TermForm(initial=TermForm.initial_from(term)))
    return render(
        request, "learn/term_form.html", {"form": edit.form, "term": term}, status=edit.status
    )
