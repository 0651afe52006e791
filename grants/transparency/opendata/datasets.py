"""The three datasets and their columns (the data dictionary is generated from them), the formats and
their content types."""

from django.utils.translation import gettext_lazy as _

from .schema import (
    COUNTRY,
    Column,
    Dataset,
    Kind,
    _comune_codes,
    _comune_names,
    _intervention,
    _local_code,
    _provinces,
)

OPERATIONS = Dataset(
    slug="operazioni",
    title=_("Elenco delle operazioni (Reg. (UE) 2021/1060, art. 49)"),
    description=(
        _(
            "Le operazioni finanziate dal programma: beneficiario, denominazione e finalità, date di "
            "inizio e fine, spesa totale ammissibile, tasso di cofinanziamento UE, localizzazione e "
            "categoria di intervento. Un beneficiario persona fisica non è mai identificato."
        )
    ),
    keywords=("fondi europei", "operazioni", "FSE", "FESR", "innovazione sociale"),
    columns=(
        Column("CUP", Kind.CODE, _("Codice Unico di Progetto"), lambda r: r.cup),
        Column(
            "COR_RNA",
            Kind.CODE,
            _("Codice COR della concessione nel Registro Nazionale Aiuti (aiuti di Stato)"),
            lambda r: r.rna_cor,
        ),
        Column(
            "BENEFICIARIO",
            Kind.TEXT,
            _("Denominazione del beneficiario"),
            lambda r: r.beneficiary_name,
        ),
        Column(
            "CODICE_FISCALE_BENEFICIARIO",
            Kind.CODE,
            _("Codice fiscale del beneficiario (solo persone giuridiche)"),
            lambda r: r.beneficiary_fiscal_code,
        ),
        Column("NOME_OPERAZIONE", Kind.TEXT, _("Denominazione dell'operazione"), lambda r: r.title),
        Column(
            "FINALITA_OPERAZIONE",
            Kind.TEXT,
            _("Finalità e sintesi dell'operazione"),
            lambda r: r.summary,
        ),
        Column(
            "DATA_INIZIO",
            Kind.DATE,
            _("Data di inizio (effettiva o prevista)"),
            lambda r: r.start_date,
        ),
        Column(
            "DATA_FINE",
            Kind.DATE,
            _("Data di conclusione (effettiva o prevista)"),
            lambda r: r.end_date,
        ),
        Column(
            "SPESA_TOTALE_AMMISSIBILE",
            Kind.AMOUNT,
            _("Costo totale ammissibile dell'operazione, in euro"),
            lambda r: r.total_eligible_cost,
        ),
        Column("FONDO", Kind.CODE, _("Fondo (FSE, FESR)"), lambda r: r.call.fund_code),
        Column(
            "MISURA",
            Kind.CODE,
            _("Misura del programma (obiettivo specifico)"),
            lambda r: r.call.measure_code,
        ),
        Column(
            "TASSO_COFINANZIAMENTO_UE",
            Kind.PERCENT,
            _("Tasso di cofinanziamento dell'Unione, in percentuale"),
            lambda r: r.money.eu_rate,
        ),
        Column(
            "CODICE_COMUNE_ISTAT",
            Kind.CODE,
            _("Codici ISTAT dei comuni di intervento, separati da |"),
            _comune_codes,
        ),
        Column("COMUNE", Kind.TEXT, _("Comuni di intervento, separati da |"), _comune_names),
        Column("PAESE", Kind.CODE, _("Paese (ISO 3166-1 alpha-2)"), lambda r: COUNTRY),
        Column(
            "CATEGORIA_INTERVENTO",
            Kind.TEXT,
            _("Campo di intervento (Reg. (UE) 2021/1060, allegato I)"),
            _intervention,
        ),
        Column("STATO", Kind.TEXT, _("Stato del progetto"), lambda r: r.status_label),
    ),
)

OPENCOESIONE = Dataset(
    slug="progetti-opencoesione",
    title=_("Progetti nel tracciato OpenCoesione"),
    description=(
        _(
            "Un record per progetto con le colonne e i formati di OpenCoesione: finanziamento per fonte (UE, "
            "Stato, Regione, privati), impegni e pagamenti, date in formato AAAAMMGG, separatore punto e "
            "virgola e virgola decimale."
        )
    ),
    keywords=("OpenCoesione", "progetti", "politiche di coesione", "pagamenti"),
    delimiter=";",
    decimal_comma=True,
    date_format="%Y%m%d",
    columns=(
        Column(
            "COD_LOCALE_PROGETTO",
            Kind.CODE,
            _("Codice locale del progetto (programma-misura-numero)"),
            _local_code,
        ),
        Column("CUP", Kind.CODE, _("Codice Unico di Progetto"), lambda r: r.cup),
        Column("OC_TITOLO_PROGETTO", Kind.TEXT, _("Titolo del progetto"), lambda r: r.title),
        Column("OC_SINTESI_PROGETTO", Kind.TEXT, _("Sintesi del progetto"), lambda r: r.summary),
        Column(
            "OC_DESCRIZIONE_PROGRAMMA",
            Kind.TEXT,
            _("Programma"),
            lambda r: r.call.programme_title,
        ),
        Column("OC_COD_FONTE", Kind.CODE, _("Fondo comunitario"), lambda r: r.call.fund_code),
        Column("COD_MISURA", Kind.CODE, _("Codice della misura"), lambda r: r.call.measure_code),
        Column("DESCR_MISURA", Kind.TEXT, _("Misura"), lambda r: r.call.measure_title),
        Column(
            "COD_PROCED_ATTIVAZIONE",
            Kind.CODE,
            _("Codice del bando (procedura di attivazione)"),
            lambda r: r.call.code,
        ),
        Column("DESCR_PROCED_ATTIVAZIONE", Kind.TEXT, _("Bando"), lambda r: r.call.title),
        Column("OC_DENOM_BENEFICIARIO", Kind.TEXT, _("Beneficiario"), lambda r: r.beneficiary_name),
        Column(
            "OC_CODFISC_BENEFICIARIO",
            Kind.CODE,
            _("Codice fiscale del beneficiario (solo persone giuridiche)"),
            lambda r: r.beneficiary_fiscal_code,
        ),
        Column(
            "COD_COMUNE", Kind.CODE, _("Codici ISTAT dei comuni di intervento, separati da |"), _comune_codes
        ),
        Column("DEN_COMUNE", Kind.TEXT, _("Comuni di intervento, separati da |"), _comune_names),
        Column("DEN_PROVINCIA", Kind.TEXT, _("Province di intervento, separate da |"), _provinces),
        Column("FINANZ_UE", Kind.AMOUNT, _("Finanziamento dell'Unione europea"), lambda r: r.money.eu),
        Column(
            "FINANZ_STATO",
            Kind.AMOUNT,
            _("Finanziamento dello Stato (fondo di rotazione)"),
            lambda r: r.money.state,
        ),
        Column("FINANZ_REGIONE", Kind.AMOUNT, _("Finanziamento della Regione"), lambda r: r.money.region),
        Column(
            "FINANZ_PRIVATO",
            Kind.AMOUNT,
            _("Cofinanziamento privato del beneficiario"),
            lambda r: r.money.private,
        ),
        Column(
            "FINANZ_TOTALE_PUBBLICO",
            Kind.AMOUNT,
            _("Finanziamento pubblico totale (UE + Stato + Regione)"),
            lambda r: r.money.public_total,
        ),
        Column(
            "IMPEGNI",
            Kind.AMOUNT,
            _("Impegni giuridicamente vincolanti (contributo concesso)"),
            lambda r: r.money.commitments,
        ),
        Column(
            "TOT_PAGAMENTI", Kind.AMOUNT, _("Pagamenti erogati al beneficiario"), lambda r: r.money.payments
        ),
        Column(
            "OC_DATA_INIZIO_PROGETTO",
            Kind.DATE,
            _("Data di inizio (effettiva o prevista)"),
            lambda r: r.start_date,
        ),
        Column(
            "OC_DATA_FINE_PROGETTO_PREVISTA",
            Kind.DATE,
            _("Data di fine prevista"),
            lambda r: r.planned_end_date,
        ),
        Column(
            "OC_DATA_FINE_PROGETTO_EFFETTIVA",
            Kind.DATE,
            _("Data di fine effettiva (vuota se in corso)"),
            lambda r: r.actual_end_date,
        ),
        Column(
            "OC_STATO_PROGETTO",
            Kind.TEXT,
            _("Stato del progetto"),
            lambda r: r.status_label,
        ),
        Column(
            "OC_CAMPO_INTERVENTO",
            Kind.TEXT,
            _("Campo di intervento (Reg. (UE) 2021/1060, allegato I)"),
            _intervention,
        ),
    ),
)

GRANTS = Dataset(
    slug="concessioni",
    title=_("Concessione di sovvenzioni e contributi (D.Lgs. 33/2013, artt. 26-27)"),
    description=(
        _(
            "Gli atti di concessione dei contributi: beneficiario e codice fiscale (persone giuridiche), "
            "importo, norma o titolo a base dell'attribuzione, ufficio e responsabile del procedimento, "
            "modalità di individuazione del beneficiario, collegamento al progetto e al bando."
        )
    ),
    keywords=("amministrazione trasparente", "sovvenzioni", "contributi"),
    columns=(
        Column("BENEFICIARIO", Kind.TEXT, _("Beneficiario"), lambda r: r.beneficiary_name),
        Column(
            "CODICE_FISCALE",
            Kind.CODE,
            _("Codice fiscale o partita IVA (solo persone giuridiche)"),
            lambda r: r.beneficiary_fiscal_code,
        ),
        Column(
            "IMPORTO",
            Kind.AMOUNT,
            _("Importo del vantaggio economico concesso, in euro"),
            lambda r: r.grant,
        ),
        Column(
            "DATA_CONCESSIONE",
            Kind.DATE,
            _("Data di concessione"),
            lambda r: r.granted_on,
        ),
        Column(
            "NORMA_TITOLO",
            Kind.TEXT,
            _("Norma o titolo a base dell'attribuzione"),
            lambda r: r.call.legal_basis,
        ),
        Column(
            "UFFICIO",
            Kind.TEXT,
            _("Ufficio responsabile del procedimento"),
            lambda r: r.call.office,
        ),
        Column(
            "RESPONSABILE_PROCEDIMENTO",
            Kind.TEXT,
            _("Funzionario o dirigente responsabile del procedimento"),
            lambda r: r.call.responsible_official,
        ),
        Column(
            "MODALITA_INDIVIDUAZIONE",
            Kind.TEXT,
            _("Modalità di individuazione del beneficiario"),
            lambda r: r.call.procedure,
        ),
        Column("CUP", Kind.CODE, _("Codice Unico di Progetto"), lambda r: r.cup),
        Column("PROGETTO", Kind.TEXT, _("Titolo del progetto"), lambda r: r.title),
        Column("LINK_PROGETTO", Kind.TEXT, _("Pagina pubblica del progetto"), lambda r: r.url),
        Column(
            "LINK_BANDO",
            Kind.TEXT,
            _("Pagina pubblica del bando"),
            lambda r: r.call.url,
        ),
    ),
)

DATASETS: dict[str, Dataset] = {d.slug: d for d in (OPERATIONS, OPENCOESIONE, GRANTS)}
FORMATS = ("csv", "json", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
