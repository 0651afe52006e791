from django.urls import path

from . import views

app_name = "finance"
PROJECT = "pagamenti/progetti/<int:pk>/"
CLAIM = "rendicontazione/domande/<int:pk>/"
urlpatterns = [
    path("pagamenti/", views.project_list, name="payments"),
    path("pagamenti/flusso-sepa/", views.sepa_export, name="sepa_export"),
    path(PROJECT, views.project_finance, name="project_finance"),
    path(f"{PROJECT}prospetto.<str:fmt>", views.project_report, name="project_report"),
    # a project's money: one URL per action
    path(f"{PROJECT}pagamenti/proponi/", views.payment_propose, name="payment_propose"),
    path(f"{PROJECT}pagamenti/approva/", views.payment_approve, name="payment_approve"),
    path(f"{PROJECT}pagamenti/respingi/", views.payment_reject, name="payment_reject"),
    path(f"{PROJECT}pagamenti/erogato/", views.payment_paid, name="payment_paid"),
    path(f"{PROJECT}conto-dedicato/", views.account_declare, name="account_declare"),
    path(f"{PROJECT}fideiussioni/", views.guarantee_add, name="guarantee_add"),
    path(f"{PROJECT}finanziamento/", views.loan_add, name="loan_add"),
    path(f"{PROJECT}finanziamento/rimborsi/", views.loan_repay, name="loan_repay"),
    path(f"{PROJECT}recuperi/", views.recovery_record, name="recovery_record"),
    path(f"{PROJECT}domande/nuova/", views.claim_create, name="claim_create"),
    # a project's controllers (the officer who assigns the claims)
    path(f"{PROJECT}controllori/", views.project_controllers, name="project_controllers"),
    path(f"{PROJECT}controllori/aggiungi/", views.project_controller_add, name="project_controller_add"),
    path(
        f"{PROJECT}controllori/<int:user_pk>/rimuovi/",
        views.project_controller_remove,
        name="project_controller_remove",
    ),
    # an expense claim: one URL per action
    path(CLAIM, views.claim_detail, name="claim_detail"),
    path(f"{CLAIM}spese/aggiungi/", views.item_add, name="item_add"),
    path(f"{CLAIM}spese/elimina/", views.item_remove, name="item_remove"),
    path(f"{CLAIM}spese/allega/", views.item_attach, name="item_attach"),
    path(f"{CLAIM}fatture/importa/", views.einvoice_import, name="einvoice_import"),
    path("rendicontazione/fatture/<int:pk>/", views.einvoice_detail, name="einvoice_detail"),
    path("rendicontazione/fatture/<int:pk>/documento/", views.einvoice_document, name="einvoice_document"),
    path(f"{CLAIM}spese/esito/", views.item_check, name="item_check"),
    path(f"{CLAIM}invia/", views.claim_submit, name="claim_submit"),
    path(f"{CLAIM}controdeduzioni/", views.claim_counter, name="claim_counter"),
    path(f"{CLAIM}assegna/", views.claim_assign, name="claim_assign"),
    path(f"{CLAIM}checklist/", views.claim_checklist, name="claim_checklist"),
    path(f"{CLAIM}concludi/", views.claim_close, name="claim_close"),
    path(f"{CLAIM}esito-definitivo/", views.claim_finalise, name="claim_finalise"),
    path("rendicontazione/allegati/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("controlli/", views.controller_claims, name="controller_claims"),
    # RNA (Registro Nazionale Aiuti): the officers' records
    path("rna/", views.rna_list, name="rna_list"),
    path("rna/registrazioni.csv", views.rna_csv, name="rna_csv"),
    path("rna/registrazioni.xml", views.rna_xml, name="rna_xml"),
    path("rna/<int:pk>/", views.rna_detail, name="rna_detail"),
    path("rna/<int:pk>/trasmetti/", views.rna_send, name="rna_send"),
    path("rna/<int:pk>/cor/", views.rna_set_cor, name="rna_set_cor"),
    path("rna/<int:pk>/rifiuto/", views.rna_refuse, name="rna_refuse"),
]
