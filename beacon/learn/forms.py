"""Forms of Learn: the glossary's search box (public), and the staff's article and term forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import AccessibleErrorsMixin
from beacon.core.search import SearchField
from beacon.learn.models import Article, Category, GlossaryTerm


class GlossarySearchForm(forms.Form):
    q = SearchField(label=_("Search the glossary"))

    @property
    def text(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class ArticleForm(AccessibleErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=80,
        help_text=_(
            "Lower-case words joined by hyphens, e.g. what-is-peer-support: the article's address "
            "becomes /learn/what-is-peer-support/. Keep it once the article is shared."
        ),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences for the list of articles."),
    )
    body = forms.CharField(
        label=_("Article"),
        max_length=40_000,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_(
            "Markdown: ## for a heading, a blank line between paragraphs, - for a list, "
            "**bold**, *italic*, [words](https://example.org) for a link. Pictures and HTML are "
            "not shown. Short sentences and everyday words help everyone."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = ("title", "slug", "category", "summary", "body")

    @classmethod
    def initial_from(cls, article: Article) -> dict:
        return {f: getattr(article, f) for f in (*cls.FIELDS, "version")}

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.FIELDS}


class TermForm(AccessibleErrorsMixin, forms.Form):
    term = forms.CharField(label=_("Term"), max_length=100)
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=80,
        help_text=_("Lower-case words joined by hyphens: the term's page is /glossary/<address>/."),
    )
    also_known_as = forms.CharField(
        label=_("Also called"),
        max_length=300,
        required=False,
        help_text=GlossaryTerm._meta.get_field("also_known_as").help_text,
    )
    definition = forms.CharField(
        label=_("What it means"),
        max_length=4_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=GlossaryTerm._meta.get_field("definition").help_text,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = ("term", "slug", "also_known_as", "definition")

    @classmethod
    def initial_from(cls, term: GlossaryTerm) -> dict:
        return {f: getattr(term, f) for f in (*cls.FIELDS, "version")}

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.FIELDS}
