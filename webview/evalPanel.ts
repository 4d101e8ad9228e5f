/**
 * The evaluation panel's browser side. Every value from a report or a database is put on the page as
 * text (textContent, never HTML), so `<img src=x onerror=…>` in a cell shows as those characters.
 */
import { provideVSCodeDesignSystem, vsCodeButton } from '@vscode/webview-ui-toolkit';
import type { EvalPanelEvent, EvalPanelMethods, ExampleDetail, QueryOutcome, ReportListing } from '../src/core/protocol/evalPanelMessages';
import type { EvalReport, EvalSummary, ExampleResult, Hardness } from '../src/core/protocol/evalReport';
import type { RpcRequest, RpcResponse } from '../src/core/protocol/rpc';
import { chartFigure } from './charts';
import { el } from './dom';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
provideVSCodeDesignSystem().register(vsCodeButton());
const vscode = acquireVsCodeApi();

// ---- typed requests to the extension ----
let nextId = 1;
const pending = new Map<number, (response: RpcResponse<EvalPanelMethods>) => void>();
function request<K extends keyof EvalPanelMethods & string>(method: K, params: EvalPanelMethods[K]['params']): Promise<EvalPanelMethods[K]['result']> {
  const id = nextId++;
  const message: RpcRequest<EvalPanelMethods, K> = { id, method, params };
  return new Promise((resolve, reject) => {
    pending.set(id, (response) => (response.ok ? resolve(response.value as EvalPanelMethods[K]['result']) : reject(new Error(response.error.message))));
    vscode.postMessage(message);
  });
}

// ---- state ----
let reports: ReportListing[] = [];
let current: { path: string; report: EvalReport } | null = null;
let compare: { path: string; report: EvalReport } | null = null;
let filter = 'all';
/** The example whose detail is open: shown again, from the new baseline, when the runs change. */
let selected: number | null = null;
/** The run in progress, by name, while one runs: the panel says so instead of "no runs yet". */
let running: string | null = null;

const byId = (id: string) => document.getElementById(id)!;
const percent = (x: number | undefined) => (x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);
const cellText = (value: unknown) => (value === null ? 'NULL' : String(value));

/** The metric a report leads with: the first it was scored by (older reports: Spider's). */
const headlineOf = (report: EvalReport) => Object.keys(report.summary.metrics ?? {})[0] ?? 'spider-exec';
/** An example's verdict by a report's headline metric. */
const scoreIn = (report: EvalReport, example: ExampleResult) => example.scores?.[headlineOf(report)] ?? example.execMatch;

/** Why two runs cannot be compared (another rule or time limit makes other numbers); null when they can. */
function incomparable(a: EvalReport, b: EvalReport): string | null {
  if (headlineOf(a) !== headlineOf(b)) return `A is scored by ${headlineOf(a)} and B by ${headlineOf(b)}: their numbers are not comparable. Score both by one rule (Run Evaluation's Score by, or quarry eval --metric).`;
  const [x, y] = [a.settings.timeoutMs, b.settings.timeoutMs];
  if (x !== undefined && y !== undefined && x !== y) return `A gave each query ${Number(x) / 1000} s and B ${Number(y) / 1000} s: their numbers are not comparable.`;
  return null;
}

function showError(error: unknown): void {
  byId('status').textContent = `Error: ${(error as Error).message}`;
}

// ---- rendering ----
function renderRunPickers(): void {
  for (const [id, selected] of [['run-a', current?.path], ['run-b', compare?.path]] as const) {
    const select = byId(id) as HTMLSelectElement;
    select.replaceChildren(el('option', { text: id === 'run-b' ? '(no candidate)' : '(choose a run)' }));
    (select.firstChild as HTMLOptionElement).value = '';
    for (const listing of reports) {
      const option = el('option', { text: `${listing.name} — ${percent(listing.execAccuracy)} (${listing.evaluated})` });
      option.value = listing.path;
      option.selected = listing.path === selected;
      select.append(option);
    }
  }
  byId('empty').hidden = reports.length > 0 || running !== null;
}

function renderSummary(): void {
  const box = byId('summary');
  box.replaceChildren();
  charts.splice(0).forEach((chart) => chart.dispose());
  if (!current) return;
  const a = current.report.summary;
  const b = compare?.report.summary;
  const row = (label: string, x: string, y?: string) =>
    el('tr', {}, el('th', { text: label }), el('td', { text: x }), ...(compare ? [el('td', { text: y ?? '' })] : []));
  const table = el('table', { className: 'summary' });
  if (compare) table.append(el('tr', {}, el('th'), el('th', { text: 'Baseline (A)' }), el('th', { text: 'Candidate (B)' })));
  const runs = [current.report, ...(compare ? [compare.report] : [])].map(tally);
  const flips = compare ? current.report.examples.map(flipped) : [];
  table.append(
    row('Model', modelLabel(current.report.settings), compare ? modelLabel(compare.report.settings) : undefined),
    // Each metric either run was scored by, the baseline's headline first; an older report has Spider's alone.
    ...[...new Set([...Object.keys(a.metrics ?? { 'spider-exec': 0 }), ...Object.keys(b?.metrics ?? {})])].map((id, i) => {
      const valueIn = (summary: EvalSummary) => summary.metrics?.[id] ?? (id === 'spider-exec' ? summary.execAccuracy : undefined);
      // VES and R-VES are scores, not shares: BIRD prints them × 100 as numbers.
      const shown = (summary: EvalSummary, x: number | undefined) => (summary.efficiencyMetrics?.includes(id) ? (x === undefined ? '–' : (100 * x).toFixed(2)) : percent(x));
      return row(i === 0 ? 'Execution accuracy' : (a.metricLabels?.[id] ?? b?.metricLabels?.[id] ?? id), shown(a, valueIn(a)), b && shown(b, valueIn(b)));
    }),
    row('Scored by', a.metricLabels?.[headlineOf(current.report)] ?? headlineOf(current.report), compare ? (b?.metricLabels?.[headlineOf(compare.report)] ?? headlineOf(compare.report)) : undefined),
    ...(a.samples || b?.samples
      ? [
          row(`pass@${a.samples ?? b?.samples}`, percent(a.passAtK?.[headlineOf(current.report)]), b && percent(b.passAtK?.[headlineOf(compare!.report)])),
          row(`maj@${a.samples ?? b?.samples}`, percent(a.majAtK?.[headlineOf(current.report)]), b && percent(b.majAtK?.[headlineOf(compare!.report)])),
        ]
      : []),
    row('Correct', `${runs[0]!.correct} of ${runs[0]!.scored}`, runs[1] && `${runs[1].correct} of ${runs[1].scored}`),
    ...(a.strictAccuracy !== undefined || b?.strictAccuracy !== undefined ? [row('Strict accuracy', percent(a.strictAccuracy), b && percent(b.strictAccuracy))] : []),
    row('Crashing queries', `${runs[0]!.crashed} (${percent(a.crashRate)})`, runs[1] && b && `${runs[1].crashed} (${percent(b.crashRate)})`),
    // From the candidate's side: gained is right in B where A was wrong.
    ...(compare ? [row('Flipped', '', `${flips.filter((f) => f === 'gained').length} gained, ${flips.filter((f) => f === 'lost').length} lost`)] : []),
    row('Rescued by correction', String(a.rescuedByCorrection), b && String(b.rescuedByCorrection)),
    row('Evaluated / skipped', `${a.evaluated} / ${a.skipped}`, b && `${b.evaluated} / ${b.skipped}`),
  );
  box.append(table);

  // The levels the report has, in its order (src/core/protocol/evalReport.ts HARDNESS_LEVELS): the browser cannot import the list.
  box.append(levelChart('EX by hardness', Object.keys(a.byHardness).filter((level) => level !== 'unknown') as Hardness[], (summary) => summary.byHardness, a, b));
  // BIRD's own levels, when the dataset gives them.
  if (a.byDifficulty) box.append(levelChart('EX by difficulty', ['simple', 'moderate', 'challenging'], (summary) => summary.byDifficulty, a, b));
  if (a.skippedExamples.length) {
    box.append(el('details', {}, el('summary', { text: `${a.skippedExamples.length} skipped examples` }), ...a.skippedExamples.map((s) => el('div', { text: `#${s.index} ${s.db_id}: ${s.reason}` }))));
  }
}

/**
 * EX per level as grouped bars (Chart.js), the baseline's and the candidate's side by side when two
 * runs are compared, with B's change over A written under it; Save PNG… keeps the picture.
 */
function levelChart<L extends string>(
  title: string,
  levels: L[],
  statsOf: (summary: EvalSummary) => Record<L, LevelStat> | undefined,
  a: EvalSummary,
  b: EvalSummary | undefined,
): HTMLElement {
  const shown = levels.filter((level) => statsOf(a)?.[level]);
  const firsts = shown.map((level) => statsOf(a)![level]);
  const seconds = b ? shown.map((level) => statsOf(b)?.[level]) : [];
  const deltas = el('div', { className: 'chart-deltas' });
  shown.forEach((level, i) => {
    const first = firsts[i]!;
    const second = seconds[i];
    const line = el('span', { className: 'chart-level', text: `${level} (${first.count}): ${percent(first.execAccuracy)}${second ? ` → ${percent(second.execAccuracy)}` : ''}` });
    if (second) {
      // The candidate's change over the baseline: a gain is positive and green, a loss negative and red.
      const change = (100 * (second.execAccuracy - first.execAccuracy)).toFixed(1);
      const kind = Number(change) > 0 ? 'up' : Number(change) < 0 ? 'down' : 'same';
      line.append(' ', el('span', { className: `delta ${kind}`, text: kind === 'up' ? `+${change}` : kind === 'same' ? '±0.0' : change }));
    }
    deltas.append(line);
  });
  const figure = chartFigure(
    {
      kind: 'bar',
      labels: shown.map((level, i) => `${level} (${firsts[i]!.count})`),
      series: [{ label: b ? 'Baseline (A)' : 'EX', values: firsts.map((f) => f.execAccuracy) }, ...(b ? [{ label: 'Candidate (B)', values: seconds.map((s) => s?.execAccuracy ?? null) }] : [])],
      percent: true,
      caption: `${title}${b ? ', baseline (A) and candidate (B)' : ''}`,
    },
    (dataUrl) => void request('savePng', { dataUrl, name: `ex-by-${title.split(' ').pop()}` }),
  );
  charts.push(figure);
  return el('div', { className: 'chart' }, figure.element, deltas);
}

/** The charts on screen, destroyed before the summary is drawn again. */
const charts: { dispose(): void }[] = [];

interface LevelStat {
  count: number;
  execAccuracy: number;
}

/** Counts of one run, from its examples: how many scored, right, and failed to execute. */
function tally(report: EvalReport): { scored: number; correct: number; crashed: number } {
  const scored = report.examples.filter((e) => e.execMatch !== undefined);
  return { scored: scored.length, correct: scored.filter((e) => scoreIn(report, e) === 1).length, crashed: scored.filter((e) => e.predError).length };
}

/** The model a run used, by file name, with its LoRA adapter and scale when it had one. */
function modelLabel(settings: Record<string, unknown>): string {
  const name = (path: string) => path.split(/[\\/]/).pop() ?? path;
  const model = settings.model as string | { endpoint: string; name: string | null; adapter?: { name: string; scale: number } | null } | undefined;
  // A local run's adapter is `lora`; a server's is the model's `adapter`.
  const adapter = (settings.lora as { path: string; scale: number } | undefined) ?? (typeof model === 'object' && model.adapter ? { path: model.adapter.name, scale: model.adapter.scale } : undefined);
  const base = typeof model === 'string' ? name(model) : model ? `${model.name ?? 'the first model'} at ${model.endpoint}` : settings.predictions ? `predictions ${name(String(settings.predictions))}` : '–';
  return adapter ? `${base} + ${name(adapter.path)}${adapter.scale !== 1 ? ` at ${adapter.scale}` : ''}` : base;
}

function flipped(example: ExampleResult): 'gained' | 'lost' | null {
  const other = compare?.report.examples[example.index];
  if (!other || !current || !compare) return null;
  const [was, now] = [scoreIn(current.report, example), scoreIn(compare.report, other)];
  if (was === undefined || now === undefined || was === now) return null;
  return now === 1 ? 'gained' : 'lost';
}

function visibleExamples(): ExampleResult[] {
  if (!current) return [];
  const db = (byId('filter-db') as HTMLSelectElement).value;
  const hardness = (byId('filter-hardness') as HTMLSelectElement).value;
  return current.report.examples.filter((e) => {
    if (db && e.db_id !== db) return false;
    if (hardness && e.hardness !== hardness) return false;
    switch (filter) {
      case 'failed': return scoreIn(current!.report, e) === 0;
      case 'crashed': return !!e.predError;
      case 'corrected': return !!e.corrected;
      case 'skipped': return !!e.skipped;
      case 'flipped': return flipped(e) !== null;
      default: return true;
    }
  });
}

function renderExamples(): void {
  const dbSelect = byId('filter-db') as HTMLSelectElement;
  if (current && dbSelect.options.length <= 1) {
    for (const db of [...new Set(current.report.examples.map((e) => e.db_id))].sort()) {
      const option = el('option', { text: db });
      option.value = db;
      dbSelect.append(option);
    }
  }
  const head = document.querySelector('#examples thead tr')!;
  head.replaceChildren(...['#', 'database', 'hardness', 'question', 'verdict (A)', ...(compare ? ['in B'] : [])].map((t) => el('th', { text: t })));
  const body = byId('examples-body');
  body.replaceChildren();
  const shown = current;
  for (const example of visibleExamples().slice(0, 500)) {
    const verdict = example.skipped ? 'skipped' : shown && scoreIn(shown.report, example) ? 'correct' : example.predError ? 'crashed' : 'wrong';
    const change = flipped(example);
    const row = el(
      'tr',
      { className: `example ${verdict}` },
      el('td', { text: String(example.index) }),
      el('td', { text: example.db_id }),
      el('td', { text: example.hardness ?? '' }),
      el('td', { text: example.question }),
      el('td', { text: verdict + (example.corrected ? ' (corrected)' : '') + (example.strictMatch === 0 && example.execMatch === 1 ? ' (not strict)' : '') }),
      ...(compare ? [el('td', { text: change ?? '' })] : []),
    );
    row.tabIndex = 0;
    row.addEventListener('click', () => void showExample(example));
    body.append(row);
  }
  byId('examples-count').textContent = `${visibleExamples().length} examples`;
}

function outcomeTable(title: string, outcome: QueryOutcome | null): HTMLElement {
  const box = el('div', { className: 'outcome' }, el('h4', { text: title }));
  if (!outcome) return box;
  if ('error' in outcome) {
    box.append(el('div', { className: 'error', text: outcome.error }));
    return box;
  }
  const table = el('table', { className: 'rows' }, el('tr', {}, ...outcome.columns.map((c) => el('th', { text: c }))));
  for (const row of outcome.rows) table.append(el('tr', {}, ...row.map((v) => el('td', { text: cellText(v) }))));
  box.append(table);
  if (outcome.truncated) box.append(el('div', { text: '… more rows' }));
  return box;
}

async function showExample(example: ExampleResult): Promise<void> {
  selected = example.index;
  const box = byId('detail');
  box.replaceChildren(el('div', { text: 'Running both queries…' }));
  let detail: ExampleDetail;
  try {
    detail = await request('exampleDetail', { path: current!.path, index: example.index });
  } catch (error) {
    box.replaceChildren(el('div', { className: 'error', text: (error as Error).message }));
    return;
  }
  const openButton = (label: string, sql: string) => {
    const button = el('vscode-button' as 'button', { text: label });
    button.addEventListener('click', () => void request('openSql', { sql }));
    return button;
  };
  const sampled = current?.report.examples.find((e) => e.index === detail.index);
  box.replaceChildren(
    el('h3', { text: `#${detail.index}: ${detail.question}` }),
    el('div', { className: 'sql-pair' },
      el('div', {}, el('h4', { text: 'Gold SQL' }), el('pre', { text: detail.goldSql }), openButton('Open gold SQL', detail.goldSql)),
      el('div', {}, el('h4', { text: 'Predicted SQL' }), el('pre', { text: detail.predSql ?? '(none)' }), ...(detail.predSql ? [openButton('Open predicted SQL', detail.predSql)] : [])),
    ),
    el('div', { className: 'sql-pair' }, outcomeTable('Gold result', detail.gold), outcomeTable('Predicted result', detail.predicted)),
    ...(detail.attempts.length > 1 && !sampled?.samples
      ? [el('h4', { text: 'Correction trace' }), ...detail.attempts.map((a, i) => el('div', { className: 'attempt' }, el('pre', { text: `${i + 1}. ${a.sql}` }), el('div', { className: 'error', text: a.error ?? 'ran' })))]
      : []),
    ...(sampled?.samples && current ? samplesView(sampled.samples, headlineOf(current.report)) : []),
  );
}

/** A question's samples: each with its vote group (samples that returned the same set of rows) and its verdict; failed ones do not vote. */
function samplesView(samples: NonNullable<ExampleResult['samples']>, metric: string): HTMLElement[] {
  return [
    el('h4', { text: `Samples (${samples.length}) and their vote groups` }),
    ...samples.map((sample, i) =>
      el('div', { className: 'attempt' }, el('pre', { text: `${i + 1}. ${sample.sql}` }), el('div', { text: `${sample.group === null ? 'failed: no vote' : `group ${sample.group + 1}`} · ${sample.scores[metric] === 1 ? 'right' : 'wrong'}` })),
    ),
  ];
}

async function load(path: string, into: 'a' | 'b'): Promise<void> {
  if (!path) {
    if (into === 'b') compare = null;
  } else {
    const report = await request('openReport', { path });
    const why = into === 'b' && current ? incomparable(current.report, report) : into === 'a' && compare ? incomparable(report, compare.report) : null;
    if (into === 'a') current = { path, report };
    else compare = { path, report };
    if (why) {
      // Side by side, two runs scored by other rules would show a difference that is only the rule.
      compare = null;
      showError(new Error(why));
    }
  }
  (byId('filter-db') as HTMLSelectElement).replaceChildren(Object.assign(el('option', { text: 'all databases' }), { value: '' }));
  renderRunPickers();
  renderSummary();
  renderExamples();
  // The open example, from the baseline now shown: never another run's SQL under this run's name.
  const example = selected === null ? undefined : current?.report.examples.find((e) => e.index === selected);
  if (example) void showExample(example);
  else {
    selected = null;
    byId('detail').replaceChildren();
  }
}

async function refreshReports(): Promise<void> {
  reports = await request('listReports', {});
  renderRunPickers();
}

window.addEventListener('message', (event: MessageEvent<RpcResponse<EvalPanelMethods> | EvalPanelEvent>) => {
  const message = event.data;
  if ('id' in message) {
    pending.get(message.id)?.(message);
    pending.delete(message.id);
    return;
  }
  if (message.event === 'progress') {
    running = message.name;
    byId('empty').hidden = true;
    byId('status').textContent = `Running ${message.name}: ${message.done}/${message.total}, ${message.evaluated ? percent(message.correct / message.evaluated) : '–'} so far`;
  } else if (message.event === 'reportsChanged') {
    void refreshReports().catch(showError);
  } else if (message.event === 'show') {
    running = null;
    byId('status').textContent = '';
    // A finished run is the candidate beside the baseline on screen (or the baseline, when none is).
    const asCandidate = message.asCandidate && current !== null && current.path !== message.path;
    void refreshReports()
      .then(() => load(message.path, asCandidate ? 'b' : 'a'))
      .then(() => (message.comparePath ? load(message.comparePath, 'b') : undefined))
      .catch(showError);
  }
});

byId('run-a').addEventListener('change', (e) => void load((e.target as HTMLSelectElement).value, 'a').catch(showError));
byId('run-b').addEventListener('change', (e) => void load((e.target as HTMLSelectElement).value, 'b').catch(showError));
byId('rename').addEventListener('click', () => {
  if (!current) return showError(new Error('choose a run to rename'));
  void request('renameReport', { path: current.path }).then(() => refreshReports()).catch(showError);
});
for (const id of ['filter-db', 'filter-hardness']) byId(id).addEventListener('change', renderExamples);
byId('filter').addEventListener('change', (e) => {
  filter = (e.target as HTMLSelectElement).value;
  renderExamples();
});
void refreshReports().catch(showError);
