import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readPlan } from '../app/derive.ts';
import { packPdf } from '../app/review-pack-pdf.ts';
import { latestOrNewPack, listReviews } from '../app/review-packs.ts';
import { cliActor } from '../app/write.ts';
import { fail } from '../core/errors.ts';
import type { CommandKit } from './main.ts';
import { printJson } from './output.ts';
import { withApp } from './with-app.ts';

interface PackOptions {
  review?: string;
  format: string;
  out?: string;
}

/** `review list`, `review pack`: the review cadence (docs/GOVERNANCE.md). */
export function registerReviewCommands(program: Command, kit: CommandKit): void {
  const review = program
    .command('review')
    .description('the review cadence: reviews declared in the plan and their packs');

  review
    .command('list')
    .description('the reviews of the plan: cadence, attendees, last and next meeting, latest pack')
    .action(async () => {
      const reviews = await withApp(kit, (ctx) => listReviews(ctx));
      if (kit.json()) printJson(kit.output, { reviews });
      else if (reviews.length === 0) kit.output.out('no reviews in the plan');
      else
        for (const r of reviews) {
          kit.output.out(`${r.id}  ${r.name} — ${r.cadence}`);
          kit.output.out(`  attendees: ${r.attendees.map((a) => a.name).join(', ')}`);
          kit.output.out(
            `  last meeting ${r.lastMeeting?.date ?? '-'}, next ${r.nextMeeting?.date ?? '-'}; latest pack ${r.latestPack?.id ?? 'none'}`,
          );
        }
    });

  review
    .command('pack')
    .description(
      'the latest pack of a review, or one made now when none is due (Markdown, or PDF into --out)',
    )
    .option('--review <id>', 'the review (default: the first the plan declares)')
    .option('--format <format>', 'md or pdf', 'md')
    .option('--out <file>', 'write the pack into this file instead of printing it')
    .action(async (options: PackOptions) => {
      if (options.format !== 'md' && options.format !== 'pdf')
        fail('request.invalid', `--format: '${options.format}' is neither md nor pdf`, {
          path: '--format',
        });
      if (options.format === 'pdf' && options.out === undefined)
        fail('request.invalid', '--out: a PDF goes into a file; give --out FILE', {
          path: '--out',
        });
      const pack = await withApp(kit, async (ctx) => {
        const plan = await readPlan(ctx);
        const id = options.review ?? plan?.reviews?.[0]?.id;
        if (id === undefined)
          fail('not_found', 'The plan declares no review (add one under `reviews:`)', {
            path: '--review',
          });
        return latestOrNewPack(ctx, cliActor(), id);
      });
      if (options.format === 'pdf') {
        await writeFile(options.out!, await packPdf(pack.content, pack.publishedAt));
        if (kit.json()) printJson(kit.output, { pack: pack.id, file: options.out });
        else kit.output.out(`wrote ${pack.id} to ${options.out!}`);
        return;
      }
      if (options.out !== undefined) {
        await writeFile(options.out, pack.markdown, 'utf8');
        if (kit.json()) printJson(kit.output, { pack: pack.id, file: options.out });
        else kit.output.out(`wrote ${pack.id} to ${options.out}`);
        return;
      }
      if (kit.json()) printJson(kit.output, { pack });
      else kit.output.out(pack.markdown.trimEnd());
    });
}
