"""Learn: articles an organization publishes for the public, and the glossary (docs/public-site.md).

Both are public once published; the organization that owns an article (or keeps a glossary term)
is the only one that changes it. Addresses are by slug, one namespace for the whole Beacon, so a
link an organization puts on its own website stays the same.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beacon.core.concurrency import VersionedModel
from beacon.core.models import BaseModel

# Slugs that name pages of their own under /learn/ and /glossary/.
RESERVED_SLUGS = frozenset({"manage", "new", "print", "search"})


def _public_path(url_name: str, slug: str) -> str:
    """A public page's address by slug, built around the slug rather than reversed with it, so
    a slug the URL pattern would refuse (written around the form: an import, a hand edit)
    still makes a link, which answers 404, instead of breaking the page that lists it."""
    return reverse(url_name, args=["slug"]).replace("/slug/", f"/{quote(slug, safe='')}/")


class Category(models.TextChoices):
    """The sections of /learn/, in the order the page shows them."""

    PEER_SUPPORT = "peer_support", _("Peer recovery support")
    UNDERSTANDING = "understanding", _("Understanding addiction")
    PATHWAYS = "pathways", _("Recovery pathways")
    SAFETY = "safety", _("Staying safe")
    COPING = "coping", _("Coping and wellbeing")
    FAMILY = "family", _("Family and friends")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Article(BaseModel, VersionedModel):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("Lower-case words joined by hyphens: it becomes /learn/<address>/."),
    )
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences shown in the list of articles."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    body = models.TextField(_("article"), max_length=40_000)
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    # Words in the body, kept when it is saved, so lists show a reading time without the body.
    word_count = models.PositiveIntegerField(default=0, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["organization", "status"], name="article_org_status"),
            models.Index(fields=["status", "-published_at"], name="article_published"),
        ]
        verbose_name = _("article")

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    @property
    def public_path(self) -> str:
        return _public_path("learn:article", self.slug)

    @property
    def reading_minutes(self) -> int:
        from beacon.learn.rendering import reading_minutes

        return reading_minutes(self.word_count)


class GlossaryTerm(BaseModel, VersionedModel):
    """A word of recovery, explained in plain words. One glossary for the whole Beacon, each term
    kept by the organization that added it (its admins change it)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    term = models.CharField(_("term"), max_length=100)
    # Other words people use for it, comma-separated ("Narcan" for naloxone); search finds them.
    also_known_as = models.CharField(
        _("also called"),
        max_length=300,
        blank=True,
        help_text=_("Other words or names people use, separated by commas."),
    )
    definition = models.TextField(
        _("what it means"),
        max_length=4_000,
        help_text=_("Plain words. Markdown works: *italic*, **bold**, [a link](/glossary/moud/)."),
    )

    class Meta:
        ordering = ["term"]
        verbose_name = _("glossary term")

    def __str__(self):
        return self.term

    @property
    def public_path(self) -> str:
        return _public_path("glossary:term", self.slug)

    @property
    def aliases(self) -> list[str]:
        return [a.strip() for a in self.also_known_as.split(",") if a.strip()]
