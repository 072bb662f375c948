/** Plan files: the whole plan as YAML or JSON, checked against `schema/plan.schema.json`. */
export type { ParsedPlanFile } from './parse-plan-file.ts';
export { parsePlanText, planFileFormatOf, readPlanFile } from './parse-plan-file.ts';
export { planFromFileObject, planToFileObject } from './plan-file-mapping.ts';
export { planToFileText } from './plan-file-text.ts';
export type { PlanFile, PlanFileFormat } from './plan-file-types.ts';
export type { SchemaProblem } from './plan-schema.ts';
export { checkPlanSchema, planSchema, planSchemaProblems } from './plan-schema.ts';
export type { PlanSourceMap, SourceLocation } from './source-map.ts';
export { createSourceMap } from './source-map.ts';
