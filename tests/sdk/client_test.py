"""The Python SDK generated from openapi.json by openapi-python-client, unedited, against a
running server (tests/sdk.rs starts it and passes SYNAPTIQ_URL and SYNAPTIQ_KEY): leads from
creation to deletion, a document upload, analytics, and a 409 and a 404 as typed errors."""

import os
import uuid

from synaptiq_client import AuthenticatedClient
from synaptiq_client.api.analytics import analytics_overview
from synaptiq_client.api.knowledge_base import list_documents, upload_document
from synaptiq_client.api.leads import create_lead, delete_lead, get_lead, list_leads, update_lead
from synaptiq_client.models import (
    AnalyticsOverview,
    CreateLead,
    DocumentEnvelope,
    DocumentList,
    DocumentType,
    Error,
    LeadEnvelope,
    LeadList,
    LeadStatus,
    NewDocument,
    Refresh,
    UpdateLead,
)

client = AuthenticatedClient(base_url=os.environ["SYNAPTIQ_URL"], token=os.environ["SYNAPTIQ_KEY"])

new = CreateLead(name="Ada Lovelace", email="ada@analytical.example", company="Analytical Engines")
created = create_lead.sync_detailed(client=client, body=new, refresh=Refresh.WAIT_FOR)
assert created.status_code == 201, created
assert isinstance(created.parsed, LeadEnvelope), created.parsed
lead = created.parsed.lead
assert lead.status == LeadStatus.NEW and lead.company == "Analytical Engines", lead

got = get_lead.sync(lead.id, client=client)
assert isinstance(got, LeadEnvelope) and got.lead.email == "ada@analytical.example", got

patched = update_lead.sync(
    lead.id,
    client=client,
    body=UpdateLead(status=LeadStatus.QUALIFIED, qualification_score=80),
    refresh=Refresh.WAIT_FOR,
)
assert isinstance(patched, LeadEnvelope), patched
assert patched.lead.status == LeadStatus.QUALIFIED and patched.lead.qualification_score == 80

found = list_leads.sync(client=client, q="analyt")
assert isinstance(found, LeadList) and [l.id for l in found.leads] == [lead.id], found

duplicate = create_lead.sync_detailed(client=client, body=new)
assert duplicate.status_code == 409, duplicate
assert isinstance(duplicate.parsed, Error) and duplicate.parsed.lead_id == lead.id, duplicate.parsed
assert "email" in duplicate.parsed.error, duplicate.parsed

# The JSON upload. (The generator sends a multipart body with a bare
# `Content-Type: multipart/form-data`, without its boundary, when an operation takes two body
# types; the TypeScript test uploads a file.)
faq = "Q: Do you offer a free trial?\nA: Yes, 14 days, no card needed.\n"
upload = NewDocument(title="Trial FAQ", content=faq, type_=DocumentType.FAQ)
uploaded = upload_document.sync_detailed(client=client, body=upload)
assert uploaded.status_code == 201, uploaded
assert isinstance(uploaded.parsed, DocumentEnvelope) and uploaded.parsed.document.title == "Trial FAQ", uploaded.parsed
documents = list_documents.sync(client=client)
assert isinstance(documents, DocumentList), documents
assert [d.id for d in documents.documents] == [uploaded.parsed.document.id], documents

overview = analytics_overview.sync(client=client)
assert isinstance(overview, AnalyticsOverview), overview
assert overview.total_leads == 1 and overview.conversion_rate == 100.0, overview

deleted = delete_lead.sync_detailed(lead.id, client=client)
assert deleted.status_code == 204, deleted
missing = get_lead.sync_detailed(lead.id, client=client)
assert missing.status_code == 404, missing
assert isinstance(missing.parsed, Error) and "not found" in missing.parsed.error, missing.parsed
nobody = get_lead.sync_detailed(uuid.uuid4(), client=client)
assert nobody.status_code == 404 and isinstance(nobody.parsed, Error), nobody

print("python sdk: ok")
