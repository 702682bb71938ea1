/** The reports API (`GET /api/reports...`), read with the config API's client and error handling. */

import { type ConfigApiClient, getDocument } from "../api/configApi";
import { type ReportFile, type ReportInfo, type ReportRows, parseCatalogue, parseFiles, parseRows } from "./shape";

export async function fetchCatalogue(client: ConfigApiClient): Promise<ReportInfo[]> {
  return parseCatalogue(await getDocument(client, "/reports", "the reports"));
}

export async function fetchFiles(client: ConfigApiClient, report: string, from: string, to: string): Promise<ReportFile[]> {
  const query = new URLSearchParams({ from, to });
  return parseFiles(await getDocument(client, `/reports/${encodeURIComponent(report)}/files?${query}`, "the files"));
}

export async function fetchRows(client: ConfigApiClient, report: string, date: string): Promise<ReportRows> {
  const query = new URLSearchParams({ date, limit: "2000" });
  return parseRows(await getDocument(client, `/reports/${encodeURIComponent(report)}/rows?${query}`, "the rows"));
}
