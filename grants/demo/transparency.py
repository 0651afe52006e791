"""Demo transparency: the publication data of the WECARE measures (category of intervention, office,
official), a published knowledge-base sheet and an accompaniment workshop on the demo active project, so
that /progetti-finanziati/, /dati-aperti/, /esperienze/ and /accompagnamento/ show something after
``make run``.

Idempotent: each record is looked up first; a sheet already there is left as it is.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from grants.core.timeutils import in_rome, now
from grants.programme.models import Measure
from grants.projects.models import Project
from grants.transparency import services
from grants.transparency.models import AccompanimentActivity, ExperimentSheet, MeasurePublication
from grants.transparency.states import TargetGroup, Theme

from .projects import ACTIVE_TITLE

OFFICER_EMAIL = "funzionario@regione.demo"
ACTIVITY_TITLE = "[DEMO] Laboratorio di coprogettazione con il Distretto"
OFFICE = (
    "[DEMO] Settore Politiche per le famiglie, minori e giovani, "
    "sostegno alle situazioni di fragilità sociale"
)
OFFICIAL = "[DEMO] Dirigente responsabile del settore"
# Reg. (EU) 2021/1060, Annex I, table 1 (fields of intervention) as configured for each WECARE measure.
INTERVENTIONS = {
    "FSE1": (
        "159",
        "Misure volte a rafforzare la fornitura di servizi di assistenza familiare e di prossimità",
    ),
    "FSE2": ("138", "Sostegno all'economia sociale e alle imprese sociali"),
    "FSE3": (
        "143",
        "Misure volte a promuovere la conciliazione della vita professionale e della vita privata",
    ),
    "FESR": ("138", "Sostegno all'economia sociale e alle imprese sociali"),
    "FSE4": (
        "163",
        "Promozione dell'integrazione sociale delle persone a rischio di povertà o di esclusione sociale",
    ),
}
SHEET = {
    "need": (
        "[DEMO] Anziani soli nei quartieri periferici senza una rete di vicinato né servizi di prossimità."
    ),
    "solution": (
        "[DEMO] Portinerie di comunità aperte sei giorni su sette, con volontari e operatori del consorzio."
    ),
    "themes": [Theme.PROXIMITY_WELFARE.value, Theme.CARE.value],
    "target_groups": [TargetGroup.ELDERLY.value, TargetGroup.CAREGIVERS.value],
    "results": (
        "[DEMO] 320 persone raggiunte, 45 volontari attivi, accessi impropri al pronto soccorso in calo."
    ),
    "costs": "[DEMO] Personale 60%, attrezzature e arredi 25%, costi indiretti 15% (forfettari).",
    "replication_requirements": "[DEMO] Un locale al piano terra, un ente gestore partner, due operatori.",
    "sustainability": "[DEMO] Convenzione triennale con il Comune e quote dei servizi a domanda.",
}


def _publications() -> int:
    created = 0
    for measure in Measure.objects.filter(code__in=INTERVENTIONS):
        code, label = INTERVENTIONS[measure.code]
        _, made = MeasurePublication.objects.get_or_create(
            measure=measure,
            defaults={
                "intervention_code": code,
                "intervention_label": label,
                "office": OFFICE,
                "responsible_official": OFFICIAL,
            },
        )
        created += made
    return created


def load_demo_transparency() -> list[str]:
    lines = [f"Trasparenza (demo): {_publications()} misure con i dati di pubblicazione"]
    officer = get_user_model().objects.filter(email=OFFICER_EMAIL).first()
    project = Project.objects.filter(title=ACTIVE_TITLE).select_related("beneficiary").first()
    if officer is None or project is None:
        return [*lines, "Trasparenza (demo): manca il progetto avviato dimostrativo, nessuna scheda"]
    if not ExperimentSheet.objects.filter(project=project).exists():
        owner = project.beneficiary.memberships.filter(revoked_at__isnull=True).first().user
        sheet = services.save_sheet(actor=owner, project=project, data=services.SheetInput(**SHEET))
        sheet = services.submit_sheet(actor=owner, sheet=sheet)
        services.publish_sheet(actor=officer, sheet=sheet)
        lines.append("Trasparenza (demo): scheda dell'esperienza pubblicata")
    if not AccompanimentActivity.objects.filter(title=ACTIVITY_TITLE).exists():
        day = in_rome(now()).date() - timedelta(days=7)
        services.create_activity(
            actor=officer,
            data=services.ActivityInput(
                kind="workshop",
                title=ACTIVITY_TITLE,
                description="[DEMO] Mezza giornata con i partner del progetto sul disegno della valutazione.",
                topics="coprogettazione, valutazione d'impatto, sostenibilità",
                organiser="[DEMO] Regione Piemonte – assistenza tecnica FSE4",
                province=project.beneficiary.seat.province,
                project=project,
                starts_on=day,
                ends_on=day,
                hours=Decimal("4"),
                participants_count=16,
            ),
        )
        lines.append("Trasparenza (demo): attività di accompagnamento registrata")
    return lines
