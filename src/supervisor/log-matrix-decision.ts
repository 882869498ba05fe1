// One info line per start the matrix router decides, when it is carried out (planEviction is
// asked far more often, speculatively, and logs nothing), as llama-swap's matrixSwapper logs it:
// "matrix: model=b set=with_tts evict=[a] cost=1". Nothing under the group router.
import type { Logger } from '../shared/logger.js';
import { decideMatrixEviction, type GroupLookup } from './plan-eviction.js';

export function logMatrixDecision(logger: Logger, target: string, running: ReadonlySet<string>, config: GroupLookup): void {
  const decision = decideMatrixEviction(target, running, config);
  if (decision === null) return;
  const { set, evict, targetSet, cost } = decision;
  logger.info(
    { event: 'matrix.decision', model: target, set: set?.name ?? null, dsl: set?.dsl ?? null, evict, targetSet, cost },
    `matrix: model=${target} set=${set?.name ?? '(none)'} evict=[${evict.join(' ')}] cost=${cost}`,
  );
}
