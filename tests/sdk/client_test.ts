// The TypeScript SDK: types generated from openapi.json by openapi-typescript (unedited),
// calls made with openapi-fetch, against a running server (tests/sdk.rs starts it and passes
// SYNAPTIQ_URL and SYNAPTIQ_KEY). `tsc` checks this file against the generated types first,
// so a spec that types a call or an answer wrong fails here too.

import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type ApiError = components["schemas"]["Error"];

const client = createClient<paths>({
  baseUrl: process.env.SYNAPTIQ_URL,
  headers: { Authorization: `Bearer ${process.env.SYNAPTIQ_KEY}` },
});

function check(condition: boolean, what: string, detail?: unknown): asserts condition {
  if (!condition) {
    throw new Error(`${what}: ${JSON.stringify(detail)}`);
  }
}

const grace = { name: "Grace Hopper", email: "grace@cobol.example", company: "Compilers Inc" };
const created = await client.POST("/api/leads", {
  body: grace,
  params: { query: { refresh: "wait_for" } },
});
check(created.response.status === 201 && created.data !== undefined, "create", created.error);
const lead = created.data.lead;
check(lead.status === "new" && lead.company === "Compilers Inc", "created lead", lead);

const got = await client.GET("/api/leads/{id}", { params: { path: { id: lead.id } } });
check(got.data?.lead.email === grace.email, "get", got.error);

const patched = await client.PATCH("/api/leads/{id}", {
  params: { path: { id: lead.id }, query: { refresh: "wait_for" } },
  body: { status: "qualified", qualificationScore: 75 },
});
check(patched.data?.lead.status === "qualified", "patch", patched.error);
check(patched.data.lead.qualificationScore === 75, "patched score", patched.data);

const found = await client.GET("/api/leads", { params: { query: { q: "compil" } } });
check(found.data?.leads.map((l) => l.id).join() === lead.id, "search", found.data ?? found.error);

const duplicate = await client.POST("/api/leads", { body: grace });
const conflict: ApiError | undefined = duplicate.error;
check(duplicate.response.status === 409, "duplicate status", duplicate.response.status);
check(conflict?.leadId === lead.id && conflict.error.includes("email"), "409 body", conflict);

const file = new Blob(["# Pricing\n\nThe team plan costs 49 euros a month.\n"], { type: "text/markdown" });
const uploaded = await client.POST("/api/admin/knowledge-base", {
  body: { file: "", title: "Pricing" },
  bodySerializer: (body) => {
    const form = new FormData();
    form.append("file", file, "pricing.md");
    form.append("title", body.title ?? "");
    return form;
  },
});
check(uploaded.response.status === 201 && uploaded.data !== undefined, "upload", uploaded.error);
check(uploaded.data.document.format === "markdown", "uploaded format", uploaded.data);
const documents = await client.GET("/api/admin/knowledge-base");
check(
  documents.data?.documents.map((d) => d.id).join() === uploaded.data.document.id,
  "documents",
  documents.data ?? documents.error,
);

const overview = await client.GET("/api/analytics/overview");
check(overview.data?.totalLeads === 1 && overview.data.conversionRate === 100, "overview", overview.data);

const deleted = await client.DELETE("/api/leads/{id}", { params: { path: { id: lead.id } } });
check(deleted.response.status === 204, "delete", deleted.error);
const missing = await client.GET("/api/leads/{id}", { params: { path: { id: lead.id } } });
const notFound: ApiError | undefined = missing.error;
check(missing.response.status === 404 && notFound?.error.includes("not found") === true, "404", notFound);

console.log("typescript sdk: ok");
