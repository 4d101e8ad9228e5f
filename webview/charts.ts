/**
 * Charts for both panels, drawn by Chart.js on a canvas in VS Code's chart colours, with a
 * "Save PNG…" button that hands the picture to the extension (the webview cannot write files).
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { el } from './dom';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

export interface ChartSpec {
  kind: 'bar' | 'line';
  labels: string[];
  series: { label: string; values: (number | null)[] }[];
  /** Values are shares (0–1), shown as percentages on a 0–100 axis. */
  percent?: boolean;
  /** Said under the chart, as text: what it shows (screen readers and tests read it). */
  caption: string;
}

const SERIES_COLOURS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];

function themeColour(variable: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(variable).trim() || fallback;
}

/** A chart in a figure, with its caption and a Save PNG… button that sends the picture to `save`. */
export function chartFigure(spec: ChartSpec, save: (dataUrl: string) => void): { element: HTMLElement; dispose(): void } {
  const canvas = el('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', spec.caption);
  const holder = el('div', { className: 'chart-canvas' }, canvas);
  const foreground = themeColour('--vscode-charts-foreground', '#888');
  const lines = themeColour('--vscode-charts-lines', 'rgba(128,128,128,0.3)');
  const scale = (y: boolean) => ({ ticks: { color: foreground, ...(y && spec.percent ? { callback: (v: string | number) => `${v}%` } : {}) }, grid: { color: lines }, ...(y && spec.percent ? { min: 0, max: 100 } : {}) });
  const chart = new Chart(canvas, {
    type: spec.kind,
    data: {
      labels: spec.labels,
      datasets: spec.series.map((series, i) => {
        const colour = themeColour(SERIES_COLOURS[i % SERIES_COLOURS.length]!, ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'][i % 6]!);
        return { label: series.label, data: series.values.map((v) => (v === null ? null : spec.percent ? 100 * v : v)), backgroundColor: colour, borderColor: colour, pointRadius: spec.labels.length > 200 ? 0 : 2 };
      }),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { x: scale(false), y: scale(true) },
      plugins: { legend: { display: spec.series.length > 1, labels: { color: foreground } } },
    },
  });
  const button = el('button', { text: 'Save PNG…', className: 'save-png' });
  button.addEventListener('click', () => save(chart.toBase64Image('image/png', 1)));
  const element = el('figure', { className: 'chart-figure' }, holder, el('figcaption', {}, el('span', { text: spec.caption }), button));
  return { element, dispose: () => chart.destroy() };
}
