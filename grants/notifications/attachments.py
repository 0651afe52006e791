"""E-mail attachments named in JSON: a registered provider name and an object id, resolved by the task.

Task arguments and the stored notification must be JSON, so ``notify(attachments=...)`` never takes bytes or
files. It takes ``(provider, object_id)`` pairs (or ``Attachment`` values); the sending task asks the provider
for the file when the e-mail is built, so a retry rebuilds it from the current data. A higher app registers
its providers when it starts (import the module from its ``AppConfig.ready``)::

    from grants.notifications.attachments import AttachmentFile, attachment_provider

    @attachment_provider("application_receipt")
    def receipt_pdf(object_id: str) -> AttachmentFile | None:
        application = Application.objects.filter(pk=object_id).first()
        if application is None:
            return None                      # gone: the e-mail is sent without it
        return AttachmentFile(f"ricevuta-{application.pk}.pdf", render(application), "application/pdf")

    notify(..., attachments=[("application_receipt", application.pk)])
"""

from collections.abc import Callable, Iterable
from typing import NamedTuple


class Attachment(NamedTuple):
    provider: str
    object_id: str


class AttachmentFile(NamedTuple):
    filename: str
    content: bytes
    mimetype: str


Provider = Callable[[str], AttachmentFile | None]
_providers: dict[str, Provider] = {}


def attachment_provider(name: str) -> Callable[[Provider], Provider]:
    """Register ``func(object_id) -> AttachmentFile | None`` under ``name`` (decorator)."""

    def register(func: Provider) -> Provider:
        _providers[name] = func
        return func

    return register


def is_registered(name: str) -> bool:
    return name in _providers


def normalise(attachments: Iterable | None) -> list[dict[str, str]]:
    """The JSON form stored on the notification; an unregistered provider is a programming error."""
    result = []
    for item in attachments or ():
        provider, object_id = item
        if provider not in _providers:
            raise ValueError(f"No attachment provider registered as {provider!r}.")
        result.append({"provider": str(provider), "object_id": str(object_id)})
    return result


def resolve(stored: Iterable[dict[str, str]]) -> list[AttachmentFile]:
    """The files of the stored attachments; a provider answering None (object gone) is skipped."""
    files = []
    for item in stored:
        provider = _providers.get(item["provider"])
        if provider is None:
            raise LookupError(f"No attachment provider registered as {item['provider']!r}.")
        produced = provider(item["object_id"])
        if produced is not None:
            files.append(AttachmentFile(*produced))
    return files
