"""Labels the public pages show for stored vocabulary values.

Every read behind the public pages (programmes, measures, calls, what is open, the criteria tree, which calls
a visitor may see) is grants.programme.selectors: the same rules as the API.
"""

from grants.core.vocabulary import CompanySize, LegalForm


def legal_form_labels(values: list[str]) -> list[str]:
    """Labels of LegalForm values (a value no longer in the vocabulary is shown as stored)."""
    labels = dict(LegalForm.choices)
    return [str(labels.get(value, value)) for value in values]


def company_size_labels(values: list[str]) -> list[str]:
    labels = dict(CompanySize.choices)
    return [str(labels.get(value, value)) for value in values]


def tie_break_labels(rules: list) -> list[str]:
    """Tie-break rules as sentences: stored as strings or as objects with a label/description."""
    labels = []
    for rule in rules or []:
        if isinstance(rule, dict):
            text = rule.get("label") or rule.get("description") or rule.get("title") or rule.get("code")
            labels.append(str(text or rule))
        else:
            labels.append(str(rule))
    return labels
