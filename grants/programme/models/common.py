"""What the programme's models share: the Italian/English pair of texts (BilingualMixin)."""

from django.utils.translation import get_language


class BilingualMixin:
    """Content is written in Italian; an English text, when given, is shown to English readers."""

    def localized(self, field: str) -> str:
        if (get_language() or "it").startswith("en"):
            english = getattr(self, f"{field}_en", "")
            if english:
                return english
        return getattr(self, field)

    @property
    def display_title(self) -> str:
        return self.localized("title")
