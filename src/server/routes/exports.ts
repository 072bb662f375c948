import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { EXPORT_LISTS, exportTable } from '../../app/exports.ts';
import { neutraliseTable, toCsv, type Table } from '../../core/export/table-cells.ts';
import { exportRoute } from '../../contract/exports.ts';
import { routeSchema } from '../../contract/http.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The table as an XLSX workbook of one sheet, its cells neutralised (text, never formulas). */
export async function toXlsx(table: Table): Promise<Buffer> {
  const safe = neutraliseTable(table);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Throughline';
  const sheet = workbook.addWorksheet(safe.name);
  sheet.addRow(safe.columns).font = { bold: true };
  for (const row of safe.rows) sheet.addRow(row);
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * `GET /api/v1/exports/{signals,initiatives}.{csv,xlsx}`: a list as the caller may see it, as a
 * spreadsheet whose cells cannot run formulas.
 */
export function registerExportRoutes(app: FastifyInstance, ctx: AppContext): void {
  for (const list of EXPORT_LISTS) {
    for (const format of ['csv', 'xlsx'] as const) {
      app.get(
        `/api/v1/exports/${list}.${format}`,
        {
          schema: {
            ...routeSchema(exportRoute),
            summary: `The ${list} the caller may see, as ${format.toUpperCase()}`,
            description:
              'Only what the access policy lets the caller see. A text cell beginning with =, +, -, @, a tab or a carriage return gets a leading apostrophe, so that no spreadsheet reads it as a formula.',
            tags: ['exports'],
          },
        },
        async (request, reply) => {
          const table = await exportTable(ctx, request.personId, list);
          const file = `${list}-${ctx.clock.asOf()}.${format}`;
          void reply
            .header('content-disposition', `attachment; filename="${file}"`)
            .header('cache-control', 'no-store');
          if (format === 'csv') {
            // With a byte order mark, so that Excel reads the file as UTF-8.
            return reply.type('text/csv; charset=utf-8').send(`\uFEFF${toCsv(table)}`);
          }
          return reply.type(XLSX_TYPE).send(await toXlsx(table));
        },
      );
    }
  }
}
