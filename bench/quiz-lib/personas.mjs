// Six visitors who walk the bench quiz, one per outcome: if one of them does not reach its outcome,
// the quiz does not run as written and the bench throws rather than time something broken.

/**
 * Visitors who walk the quiz: for each outcome, how they answer (by question id; otherwise the
 * first option, the lowest rating, a number in range, no text).
 */
export const PERSONAS = [
  ['trail-runner', { activity: 'run', terrain: 'trail', distance: 25 }],
  ['alpinist', { activity: 'hike', trip: 'expedition', weather: ['mild'] }],
  ['all-weather', { activity: 'commute', weather: ['rain', 'cold'] }],
  ['premium-city', { activity: 'city', weather: ['mild'], budget: 5 }],
  ['eco', { activity: 'hike', trip: 'day', weather: ['heat'], budget: 4, eco: 5, material: 'recycled' }],
  ['explorer', { activity: 'city', weather: ['mild'], landscape: 'streets', budget: 2 }],
];

/** Walks the quiz as each persona and returns what is wrong (the outcome reached, a refused answer). */
export function walkPersonas(lib, valid) {
  const problems = [];
  for (const [expected, answers] of PERSONAS) {
    const runner = lib.createQuizRunner(valid);
    const path = [];
    for (let q = runner.current(), steps = 0; q && steps < 50; q = runner.current(), steps++) {
      path.push(q.id);
      const value =
        answers[q.id] ??
        (q.type === 'multiple' ? [q.options[0].value] : q.options ? q.options[0].value : q.type === 'scale' ? q.min ?? 1 : q.type === 'number' ? q.min ?? 0 : null);
      const error = runner.answer(q.id, value) || runner.next();
      if (error) problems.push(`${expected}: ${q.id} refused ${JSON.stringify(value)}: ${error.message}`);
      if (error) break;
    }
    const result = runner.result();
    if (!result) problems.push(`${expected}: no result after ${path.join(' > ')}`);
    else if (result.outcome.id !== expected) problems.push(`${expected}: reached ${result.outcome.id} (path ${path.join(' > ')}; scores ${JSON.stringify(result.scores)})`);
  }
  return problems;
}
