/**
 * Stands in for the VS Code executable that @vscode/test-electron launches: it takes the same
 * arguments, starts code-server (real VS Code, real Node extension host), opens it in headless
 * Chromium with the extension under development and its tests, and exits with the tests' code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { format } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../helpers/fixtures';
import { freePort } from '../helpers/freePort';

const CODE_SERVER_ENTRY = join(PROJECT_ROOT, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.QUARRY_CHROMIUM ?? '/usr/bin/chromium';
const RUN_LIMIT_MS = 10 * 60_000;
const HOST_LOG = join(PROJECT_ROOT, '.vscode-test', 'host.log');
const SCREENSHOTS = join(PROJECT_ROOT, '.vscode-test', 'screenshots');

interface HostArgs {
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  userDataDir: string;
  extensionsDir: string;
  folder: string;
}

function parseHostArgs(argv: string[]): HostArgs {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const folder = argv.find((a) => !a.startsWith('-'));
  const args = {
    extensionDevelopmentPath: value('extensionDevelopmentPath'),
    extensionTestsPath: value('extensionTestsPath'),
    userDataDir: value('user-data-dir'),
    extensionsDir: value('extensions-dir'),
    folder,
  };
  for (const [name, v] of Object.entries(args)) if (!v) throw new Error(`codeServerHost: missing ${name} in ${argv.join(' ')}`);
  return args as HostArgs;
}

async function waitForHealth(port: number, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited with code ${server.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('code-server did not answer /healthz within 60 s');
}

function startCodeServer(args: HostArgs, port: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--vscode-option', 'enable-smoke-test-driver',
      '--user-data-dir', args.userDataDir,
      '--extensions-dir', args.extensionsDir,
      args.folder,
    ],
    // Its own process group: code-server leaves watcher children behind, and they must go with it.
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
  );
}

function stopGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function runInBrowser(args: HostArgs, port: number): Promise<number> {
  const remote = (path: string) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(args.extensionDevelopmentPath)],
    ['extensionTestsPath', remote(args.extensionTestsPath)],
  ]);
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(args.folder)}&payload=${encodeURIComponent(payload)}`;
  // A persistent browser profile next to the editor profile: VS Code for the web keeps workspace
  // state in the browser, and the second window of a run must find what the first one stored.
  const context = await chromium.launchPersistentContext(join(args.userDataDir, 'chromium'), {
    executablePath: CHROMIUM,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const exit = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
    await page.exposeFunction('codeAutomationLog', (type: string, values: unknown[]) => {
      const text = printHostLog(type, values);
      const capture = CAPTURE_REQUEST.exec(text);
      if (capture) void captureSideBar(page, capture[1]!.trim());
      const frames = CAPTURE_FRAMES_REQUEST.exec(text);
      if (frames) void captureFrames(page, frames[1]!.trim(), frames[2]?.trim());
      const ui = UI_REQUEST.exec(text);
      if (ui) void driveUi(page, ui[1]!, JSON.parse(ui[2]!) as UiStep);
      const webview = WEBVIEW_REQUEST.exec(text);
      if (webview) void driveWebview(page, webview[1]!, JSON.parse(webview[2]!) as WebviewStep[]);
    });
    await page.goto(url);
    const limit = new Promise<number>((resolve) =>
      setTimeout(() => {
        console.error(`codeServerHost: no test result after ${RUN_LIMIT_MS / 1000} s`);
        resolve(124);
      }, RUN_LIMIT_MS).unref(),
    );
    const code = await Promise.race([exit, limit]);
    await page.screenshot({ path: join(SCREENSHOTS, `${process.env.QUARRY_TEST_PHASE ?? 'run'}-end.png`) }).catch(() => undefined);
    // Closing the page runs the workbench's shutdown, which flushes workspace state to storage.
    await page.close({ runBeforeUnload: true }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1000));
    return code;
  } finally {
    await context.close();
  }
}

/**
 * The workbench forwards every console message; only the extension host's own output (the test
 * reporter) is printed, the rest of the editor's chatter goes to a log file for when a run fails.
 */
function printHostLog(type: string, values: unknown[]): string {
  const list = Array.isArray(values) ? values : [values];
  const text = typeof list[0] === 'string' ? format(...list) : list.map(String).join(' ');
  appendFileSync(HOST_LOG, `[${type}] ${text}\n`);
  const editorChatter = text.startsWith('[') || /^(Resolving|Resolved|Creating a socket|Updating additional)/.test(text) || /\n\s+at /.test(text);
  if (!editorChatter && (type === 'log' || type === 'info')) {
    console.log(text);
  }
  return text;
}

/** Tests ask, by logging this line, for what the side bar shows a person: its text (written to the named file) and a screenshot. */
const CAPTURE_REQUEST = /^quarry-test:capture-side-bar (.+)$/;

/** Webviews live in nested frames: this captures the text of every frame (and a screenshot). */
const CAPTURE_FRAMES_REQUEST = /^quarry-test:capture-frames (\S+)(?: click=(.+))?$/;

async function captureFrames(page: Page, target: string, clickSelector?: string): Promise<void> {
  await page.waitForTimeout(1500);
  if (clickSelector) {
    for (const frame of page.frames()) {
      const target = frame.locator(clickSelector).first();
      if ((await target.count().catch(() => 0)) > 0) {
        await target.click().catch(() => undefined);
        break;
      }
    }
    await page.waitForTimeout(1500);
  }
  const texts: string[] = [];
  for (const frame of page.frames()) {
    texts.push(await frame.locator('body').innerText({ timeout: 2000 }).catch(() => ''));
  }
  await page.screenshot({ path: join(SCREENSHOTS, `${basename(target)}.png`) }).catch(() => undefined);
  writeFileSync(`${target}.partial`, texts.join('\n----\n'));
  renameSync(`${target}.partial`, target);
}

/**
 * What a person does at the keyboard: wait until an element (a quick pick, the file dialog, a
 * notification) shows the expected text, note what it shows, then type and press keys. The note is
 * written to the named file once the keys are sent, which is what the test waits for.
 */
const UI_REQUEST = /^quarry-test:ui (\S+) (\{.*\})$/;

interface UiStep {
  selector: string;
  text: string;
  keys?: ({ type: string } | { paste: string } | { press: string } | { settle: true } | { click: string } | { dblclick: string })[];
}

/** How long a step may wait for the editor to catch up, on a machine that is busy with something else. */
const UI_PATIENCE_MS = 60_000;

/**
 * Waits until the quick input has done what the last keys asked: not busy (its progress bar idle:
 * the file dialog reads the folder a typed path names) and its list the same on two looks in a row.
 * A fixed pause here failed under CPU load, when Enter came before the dialog had caught up.
 */
async function settled(page: Page): Promise<void> {
  const deadline = Date.now() + UI_PATIENCE_MS;
  let last = '';
  while (Date.now() < deadline) {
    const now = await page.evaluate(() => {
      const widget = document.querySelector('.quick-input-widget');
      const bar = widget?.querySelector('.monaco-progress-container');
      const busy = !!bar && bar.classList.contains('active') && getComputedStyle(bar).display !== 'none';
      const input = widget?.querySelector('input');
      const rows = [...(widget?.querySelectorAll('.monaco-list-row') ?? [])].map((row) => row.textContent).join('\n');
      return busy ? null : `${input?.value ?? ''}\n${rows}`;
    });
    if (now !== null && now === last) return;
    last = now ?? '';
    await page.waitForTimeout(250);
  }
  throw new Error(`the quick input was still busy after ${UI_PATIENCE_MS / 1000} s`);
}

async function driveUi(page: Page, target: string, step: UiStep): Promise<void> {
  let shown: string;
  try {
    const element = page.locator(step.selector).filter({ hasText: step.text }).first();
    await element.waitFor({ state: 'visible', timeout: UI_PATIENCE_MS });
    await page.waitForTimeout(300);
    shown = await element.innerText();
    // What a box holds is not its text: a file dialog's folder is the value of its input.
    const values = await element.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value).filter(Boolean));
    for (const value of values) shown += `\n[input] ${value}`;
    for (const key of step.keys ?? []) {
      if ('type' in key) await page.keyboard.type(key.type);
      else if ('paste' in key) await page.keyboard.insertText(key.paste);
      else if ('press' in key) await page.keyboard.press(key.press);
      else if ('click' in key) await page.locator(step.selector).getByText(key.click, { exact: true }).first().click();
      else if ('dblclick' in key) await page.locator(step.selector).getByText(key.dblclick, { exact: true }).first().dblclick();
      else await settled(page);
      await page.waitForTimeout(300);
    }
  } catch (error) {
    shown = `ui step failed: ${(error as Error).message.split('\n')[0]}`;
  }
  await page.screenshot({ path: join(SCREENSHOTS, `${basename(target)}.png`) }).catch(() => undefined);
  writeFileSync(`${target}.partial`, shown);
  renameSync(`${target}.partial`, target);
}

/**
 * A person's hand inside a webview (the results grid): each step waits for its element in
 * whichever frame has it, then clicks, double-clicks, types or presses; the frame's text after the
 * last step is the answer.
 */
const WEBVIEW_REQUEST = /^quarry-test:webview (\S+) (\[.*\])$/;

type WebviewStep = { selector: string } & ({ click: true; modifiers?: ('Shift' | 'Control')[] } | { dblclick: true } | { type: string } | { press: string } | { select: string });

async function driveWebview(page: Page, target: string, steps: WebviewStep[]): Promise<void> {
  let shown = '';
  try {
    let frame = page.mainFrame();
    for (const step of steps) {
      const deadline = Date.now() + UI_PATIENCE_MS;
      let found = null;
      while (!found && Date.now() < deadline) {
        for (const candidate of page.frames()) {
          if ((await candidate.locator(step.selector).count().catch(() => 0)) > 0) found = candidate;
        }
        if (!found) await page.waitForTimeout(250);
      }
      if (!found) throw new Error(`no frame shows ${step.selector}`);
      frame = found;
      const element = frame.locator(step.selector).first();
      if ('click' in step) await element.click({ modifiers: step.modifiers });
      else if ('dblclick' in step) await element.dblclick();
      else if ('type' in step) {
        await element.click();
        await element.press('Control+a');
        await element.press('Backspace');
        await element.pressSequentially(step.type);
      } else if ('select' in step) await element.selectOption(step.select);
      else await element.press(step.press);
      await page.waitForTimeout(400);
    }
    shown = await frame.locator('body').innerText();
  } catch (error) {
    shown = `webview step failed: ${(error as Error).message.split('\n')[0]}`;
  }
  await page.screenshot({ path: join(SCREENSHOTS, `${basename(target)}.png`) }).catch(() => undefined);
  writeFileSync(`${target}.partial`, shown);
  renameSync(`${target}.partial`, target);
}

async function captureSideBar(page: Page, target: string): Promise<void> {
  await page.waitForTimeout(500);
  const text = await page.locator('.part.sidebar').innerText().catch((error: Error) => `capture failed: ${error.message}`);
  await page.screenshot({ path: join(SCREENSHOTS, `${basename(target)}.png`) }).catch(() => undefined);
  writeFileSync(`${target}.partial`, text);
  renameSync(`${target}.partial`, target);
}

async function main(): Promise<number> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const args = parseHostArgs(process.argv.slice(2));
  const port = Number(process.env.QUARRY_TEST_PORT) || (await freePort());
  const server = startCodeServer(args, port);
  let serverLog = '';
  server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
  try {
    await waitForHealth(port, server);
    return await runInBrowser(args, port);
  } catch (error) {
    console.error(`codeServerHost: ${(error as Error).message}\n${serverLog.slice(-4000)}`);
    return 1;
  } finally {
    stopGroup(server);
  }
}

void main().then((code) => process.exit(code));
