import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { authorize } from '../../app/viewer.ts';
import { saveImportMapping, showImportMapping } from '../../app/import-mapping.ts';
import { importSpreadsheet, type ImportResult } from '../../app/import-spreadsheet.ts';
import { parseColumnMapping } from '../../connectors/spreadsheet/column-mapping.ts';
import { detectFormat } from '../../connectors/spreadsheet/read-spreadsheet.ts';
import type { SpreadsheetFormat } from '../../connectors/spreadsheet/sheet-row.ts';
import { DomainError, fail } from '../../core/errors.ts';
import { readImportRuns } from '../../app/import-runs.ts';
import { bearer } from './schemas.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import {
  importRoute,
  importRunsRoute,
  saveMappingRoute,
  showMappingRoute,
  type ImportResultView,
} from '../../contract/imports.ts';
import { actorOf } from '../actor.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_TYPES = ['text/csv', 'application/csv'];
/** Largest spreadsheet accepted over HTTP. */
export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

/**
 * Spreadsheet imports over HTTP, in a scope of their own: their bodies are raw CSV or XLSX
 * bytes, spooled to a temporary file (never held in memory) and imported from there.
 */
export function importRoutes(ctx: AppContext): FastifyPluginCallback {
  return (scope, _options, done) => {
    registerImportRoutes(scope, ctx);
    done();
  };
}

function registerImportRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.addContentTypeParser(
    [...CSV_TYPES, XLSX_TYPE, 'application/octet-stream'],
    (_request, payload, done) => done(null, payload),
  );

  app.post<Omit<RouteTypes<typeof importRoute>, 'Body'> & { Body: unknown }>(
    '/api/v1/imports',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(importRoute),
        summary:
          'Imports a spreadsheet (CSV or XLSX): KPI actuals, budgets, benefits or a Jira CSV export',
        description: `The body is the file itself: \`text/csv\`, or \`${XLSX_TYPE}\` for XLSX (\`application/octet-stream\` is sniffed). The rows are read with the source's saved column mapping, or with \`mapping\` (JSON, URL-encoded), which is saved for the source when the import applies. One transaction: any bad row refuses the whole file unless \`skipBadRows\`. Every problem names file, sheet, row and column. See docs/SPREADSHEETS.md.`,
        tags: ['imports'],
        security: bearer,
      },
    },
    async (request) => {
      await authorize(ctx, request.personId, { kind: 'source.push' });
      const body = request.body;
      if (body === undefined || body === null) {
        fail('import.bad_file', 'the request has no body: send the spreadsheet itself', {
          path: 'body',
        });
      }
      if (!(body instanceof Readable)) {
        fail(
          'request.unsupported_media_type',
          `send the spreadsheet as text/csv or ${XLSX_TYPE}, not ${request.headers['content-type'] ?? 'without a content type'}`,
          { path: 'headers.content-type' },
        );
      }
      const declared = formatOfContentType(request.headers['content-type']);
      const query = request.query;
      const mapping =
        query.mapping === undefined
          ? undefined
          : parseColumnMapping(parseJson(query.mapping), 'the mapping parameter');
      const fileName = baseName(query.file ?? (declared === 'xlsx' ? 'upload.xlsx' : 'upload.csv'));
      const spooled = await spoolUpload(body, fileName);
      try {
        const format = detectFormat(fileName, spooled.head, declared);
        const result = await importSpreadsheet(ctx, {
          source: query.source,
          fileName,
          format,
          input: { path: spooled.path },
          totalBytes: spooled.size,
          ...(mapping === undefined ? {} : { mapping }),
          ...(query.sheet === undefined ? {} : { sheet: query.sheet }),
          dryRun: query.dryRun,
          skipBadRows: query.skipBadRows,
          actor: actorOf(request),
        });
        return shapeResult(result);
      } finally {
        await spooled.remove();
      }
    },
  );

  app.get<RouteTypes<typeof importRunsRoute>>(
    '/api/v1/imports',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(importRunsRoute),
        summary: 'Recent imports, newest first, with their outcome and first problems',
        tags: ['imports'],
        security: bearer,
      },
    },
    async (request) => {
      await authorize(ctx, request.personId, { kind: 'source.push' });
      return {
        imports: await readImportRuns(ctx, {
          limit: request.query.limit,
          ...(request.query.source === undefined ? {} : { source: request.query.source }),
        }),
      };
    },
  );

  // The mapping is answered as the use-case parsed it (typed there; the contract only names its
  // kind and leaves its columns open).
  app.get<Omit<RouteTypes<typeof showMappingRoute>, 'Reply'>>(
    '/api/v1/imports/mappings/:source',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(showMappingRoute),
        summary: 'The column mapping saved for a spreadsheet source',
        tags: ['imports'],
        security: bearer,
      },
    },
    async (request) => {
      await authorize(ctx, request.personId, { kind: 'source.push' });
      const saved = await showImportMapping(ctx, request.params.source);
      if (saved === null) {
        fail('not_found', `source '${request.params.source}' has no saved column mapping`, {
          path: 'source',
        });
      }
      return saved;
    },
  );

  app.put<Omit<RouteTypes<typeof saveMappingRoute>, 'Reply'>>(
    '/api/v1/imports/mappings/:source',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(saveMappingRoute),
        summary: 'Saves the column mapping of a spreadsheet source (see docs/SPREADSHEETS.md)',
        tags: ['imports'],
        security: bearer,
      },
    },
    async (request) => {
      await authorize(ctx, request.personId, { kind: 'source.push' });
      return {
        source: request.params.source,
        mapping: await saveImportMapping(
          ctx,
          request.params.source,
          request.body,
          actorOf(request),
        ),
      };
    },
  );
}

function formatOfContentType(contentType: string | undefined): SpreadsheetFormat | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === XLSX_TYPE) return 'xlsx';
  if (CSV_TYPES.includes(type)) return 'csv';
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DomainError({
      code: 'import.bad_mapping',
      message: `the mapping parameter is not JSON: ${reason}`,
      path: 'querystring.mapping',
    });
  }
}

/** A name for messages, without any folders a client may have sent. */
function baseName(name: string): string {
  return name.split(/[\\/]/).pop() ?? name;
}

interface SpooledUpload {
  path: string;
  size: number;
  /** The first bytes, to tell CSV from XLSX. */
  head: Uint8Array;
  remove(): Promise<void>;
}

/** Writes a request body to a temporary file, refusing more than {@link MAX_UPLOAD_BYTES}. */
async function spoolUpload(body: Readable, fileName: string): Promise<SpooledUpload> {
  const dir = await mkdtemp(join(tmpdir(), 'throughline-import-'));
  const path = join(dir, 'upload');
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      size += chunk.length;
      if (size > MAX_UPLOAD_BYTES) {
        next(
          new DomainError({
            code: 'request.too_large',
            message: `${fileName}: larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; split it, or import it with the CLI`,
            file: fileName,
          }),
        );
        return;
      }
      next(null, chunk);
    },
  });
  try {
    await pipeline(body, limit, createWriteStream(path));
    const handle = await open(path, 'r');
    const head = new Uint8Array(4);
    try {
      await handle.read(head, 0, 4, 0);
    } finally {
      await handle.close();
    }
    return { path, size: (await stat(path)).size, head, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/**
 * The answer: what the contract lists, each field named (the result's signals also carry the
 * resolved signals' last forms, and its changes their before and after: not answered).
 */
function shapeResult(result: ImportResult): ImportResultView {
  return {
    runId: result.runId,
    source: result.source,
    file: result.file,
    format: result.format,
    kind: result.kind,
    dryRun: result.dryRun,
    mode: result.mode,
    rows: {
      read: result.rows.read,
      applied: result.rows.applied,
      skipped: result.rows.skipped,
      blank: result.rows.blank,
    },
    changes: result.changes.map(({ collection, id, action, fields }) => ({
      collection,
      id,
      action,
      fields,
    })),
    figureChanges: result.figureChanges.map(({ collection, id, field, period, from, to }) => ({
      collection,
      id,
      field,
      ...(period === undefined ? {} : { period }),
      from,
      to,
    })),
    figureChangeCount: result.figureChangeCount,
    workItems:
      result.workItems === null
        ? null
        : {
            applied: result.workItems.applied,
            duplicates: result.workItems.duplicates,
            stale: result.workItems.stale,
          },
    problems: result.problems,
    problemCount: result.problemCount,
    signals: {
      raised: result.signals.raised,
      changed: result.signals.changed,
      resolved: result.signals.resolved,
    },
    mappingSaved: result.mappingSaved,
    durationMs: Math.round(result.durationMs * 100) / 100,
  };
}
