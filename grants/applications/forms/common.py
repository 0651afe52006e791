"""What every form of the application's pages shares: Italian labels, error ids, the 100 of shares."""

from decimal import Decimal

from django import forms

from grants.registry.forms import ItaliaFormMixin

HUNDRED = Decimal(100)


class SectionFormMixin(ItaliaFormMixin):
    """Bootstrap Italia markup; check boxes get ``form-check-input`` instead of ``form-control``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.ClearableFileInput):
                field.widget.attrs["class"] = "form-control"

    def _describe(self, name: str) -> None:
        super()._describe(name)
        field = self.fields[name]
        if isinstance(field.widget, forms.CheckboxSelectMultiple):
            # A group of boxes is described by its fieldset (the template), not by each box.
            for attr in ("aria-describedby", "aria-invalid"):
                field.widget.attrs.pop(attr, None)

    def describe_fields(self) -> None:
        for name in self.fields:
            self._describe(name)

    def apply_service_errors(self, errors: list[dict], mapping: dict[str, str]) -> None:
        """Errors of a service (``{"field", "message"}``) next to the fields they name; others above."""
        for error in errors:
            target = mapping.get(error.get("field", ""))
            self.add_error(target if target in self.fields else None, error["message"])
        self.describe_fields()
