import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { Plan } from '../core/domain/plan.ts';
import type { Problem } from '../core/errors.ts';
import { DomainError } from '../core/errors.ts';
import { formatJsonPath } from '../core/plan/json-path.ts';
import { validatePlan } from '../core/plan/validate-plan.ts';
import { planFromFileObject } from './plan-file-mapping.ts';
import type { PlanFileFormat } from './plan-file-types.ts';
import { checkPlanSchema, planSchemaProblems } from './plan-schema.ts';
import type { PlanSourceMap } from './source-map.ts';
import { createSourceMap } from './source-map.ts';

/**
 * Reads a plan file (YAML or JSON) into a core `Plan`, or refuses it with every problem at once,
 * each naming the file, the line and column, and the JSON path. Three gates, in order: the text
 * must parse, the data must match the published schema, and the plan must keep the domain rules
 * (`validatePlan`). A later gate runs only when the earlier ones pass, so that no problem is
 * reported about data that did not parse.
 */

export interface ParsedPlanFile {
  plan: Plan;
  format: PlanFileFormat;
  /** Where a JSON path into the file is, for placing problems found later (e.g. on apply). */
  sourceMap: PlanSourceMap;
}

/** The format a file name implies: `.yaml`/`.yml` or `.json`; undefined for anything else. */
export function planFileFormatOf(fileName: string): PlanFileFormat | undefined {
  const extension = extname(fileName).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  if (extension === '.json') return 'json';
  return undefined;
}

/** Parses and validates plan-file text; throws a DomainError listing every problem. */
export function parsePlanText(
  text: string,
  fileName: string,
  format?: PlanFileFormat,
  /** Completes the plan read before it is validated (what the sender could not see, kept). */
  complete?: (plan: Plan) => Plan,
): ParsedPlanFile {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const resolvedFormat =
    format ?? planFileFormatOf(fileName) ?? (/^\s*[{[]/.test(source) ? 'json' : 'yaml');
  const lineCounter = new LineCounter();
  // JSON is YAML: one parser gives line numbers for both formats.
  const document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const place = (line: number, column: number): Pick<Problem, 'line' | 'column'> => ({
    line,
    column,
  });

  const syntax = resolvedFormat === 'json' ? 'JSON' : 'YAML';
  if (document.errors.length > 0) {
    // A hostile nesting exhausts the parser's stack once per level it unwinds: say so once.
    const tooDeep = document.errors.find((error) => /call stack/i.test(error.message));
    if (tooDeep !== undefined) {
      const { line, col } = lineCounter.linePos(tooDeep.pos[0]);
      throw new DomainError({
        code: 'file.parse',
        message: `${syntax} is nested too deeply to read: a plan file nests a few levels, not thousands`,
        file: fileName,
        ...place(line, col),
      });
    }
    throw new DomainError(
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return {
          code: 'file.parse',
          message: `${syntax} syntax error: ${error.message}`,
          file: fileName,
          ...place(line, col),
        };
      }),
    );
  }

  let value: unknown;
  try {
    value = resolvedFormat === 'json' ? JSON.parse(source) : document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = /position (\d+)/.exec(message)?.[1];
    const where = offset === undefined ? undefined : lineCounter.linePos(Number(offset));
    throw new DomainError({
      code: 'file.parse',
      message: `${syntax} syntax error: ${message}`,
      file: fileName,
      ...(where === undefined ? {} : place(where.line, where.col)),
    });
  }

  const sourceMap = createSourceMap(document, lineCounter);
  const locate = (problem: Problem): Problem => ({
    ...problem,
    file: fileName,
    ...(problem.path === undefined ? {} : sourceMap.locate(problem.path)),
  });

  if (!checkPlanSchema(value)) {
    const problems = planSchemaProblems(value).map((problem) =>
      locate({
        code: problem.code,
        message: problem.message,
        path: formatJsonPath(problem.segments),
      }),
    );
    throw new DomainError(byPlace(problems));
  }

  const read = planFromFileObject(value);
  const plan = complete === undefined ? read : complete(read);
  const problems = validatePlan(plan).map(locate);
  if (problems.length > 0) throw new DomainError(byPlace(problems));
  return { plan, format: resolvedFormat, sourceMap };
}

/** Reads, parses and validates a plan file; the format follows the file's extension. */
export async function readPlanFile(
  filePath: string,
  format?: PlanFileFormat,
): Promise<ParsedPlanFile> {
  const resolvedFormat = format ?? planFileFormatOf(filePath);
  if (resolvedFormat === undefined) {
    throw new DomainError({
      code: 'file.parse',
      message: `cannot tell the format of '${filePath}': name the plan file .yaml, .yml or .json`,
      file: filePath,
    });
  }
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new DomainError({
        code: 'file.not_found',
        message: `plan file '${filePath}' not found`,
        file: filePath,
      });
    }
    if (code === 'EISDIR') {
      throw new DomainError({
        code: 'file.not_found',
        message: `'${filePath}' is a directory, not a plan file`,
        file: filePath,
      });
    }
    throw new DomainError({
      code: 'file.parse',
      message: `cannot read plan file '${filePath}': ${code ?? String(error)}`,
      file: filePath,
    });
  }
  return parsePlanText(text, filePath, resolvedFormat);
}

/** Problems in file order; those without a line keep their order at the end. */
function byPlace(problems: Problem[]): Problem[] {
  return problems
    .map((problem, order) => ({ problem, order }))
    .sort(
      (a, b) =>
        (a.problem.line ?? Infinity) - (b.problem.line ?? Infinity) ||
        (a.problem.column ?? 0) - (b.problem.column ?? 0) ||
        a.order - b.order,
    )
    .map(({ problem }) => problem);
}
