import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startPlanHarness, STAFF, type PlanHarness } from '../support/plan-harness.js';
import { ApiClient, PASSWORD } from '../support/api-harness.js';
import { startPreplanServer, type PreplanServer } from '../../src/app/preplan-server.js';
import { serveWebUi, WEB_DIST } from '../../src/app/web-ui.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

const ROOT = path.join(import.meta.dirname, '../..');
export const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
export const CHROMIUM = process.env.PREPLAN_CHROMIUM ?? '/usr/bin/chromium';

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/**
 * `npm ci` and `npm run build` build the UI into dist/web; a test run from a checkout whose
 * build is missing or older than the UI's sources (src/web, forms/, vite.config.ts) builds it once.
 */
export function ensureWebBuild(): void {
  const index = path.join(WEB_DIST, 'index.html');
  const sources = Math.max(
    newest(path.join(ROOT, 'src/web')),
    newest(path.join(ROOT, 'forms')),
    statSync(path.join(ROOT, 'vite.config.ts')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}

/** Debian's chromium, headless, with nothing reaching out to the network by itself. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // The browser's own language (date inputs follow it) as at the office; needs chromium-l10n.
    env: { ...process.env, LANG: 'zh_CN.UTF-8', LANGUAGE: 'zh_CN' },
    // playwright gives every launch a fresh, empty user-data-dir of its own.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--lang=zh-CN',
    ],
  });
}

export interface WebHarness {
  h: PlanHarness;
  server: PreplanServer;
  browser: Browser;
  url: string;
  /** Moves the node's virtual clock up to real time and runs every job that is due. */
  run(): Promise<void>;
  /** A fresh browser (own cookies) for one person, desktop or phone sized. */
  context(options?: { phone?: boolean; lang?: 'zh-CN' | 'en' }): Promise<BrowserContext>;
  /** Signs in through the login page. */
  signIn(page: Page, user: string): Promise<void>;
  /** An API client signed in as `<role>1`, to set up what a test does not drive through the UI. */
  api(role: string): Promise<ApiClient>;
  screenshot(page: Page, name: string): Promise<void>;
  /**
   * What went wrong inside the pages so far: uncaught errors and console errors (a CSP refusal
   * among them), except the browser's own line for each refused request, which the tests provoke.
   */
  problems: string[];
  close(): Promise<void>;
}

/**
 * The real plan node (embedded store, scheduler off) and the HTTP server with the built UI, on a
 * virtual clock that starts at real time (the browser's clock and the session cookie's expiry
 * agree with the server's); `run()` moves it to real time and runs the due jobs.
 */
export async function startWebHarness(): Promise<WebHarness> {
  ensureWebBuild();
  const h = await startPlanHarness(`test_web_${randomBytes(4).toString('hex')}`, {
    start: new Date().toISOString(),
  });
  const server = await startPreplanServer(h.node, {
    port: 0,
    host: '127.0.0.1',
    secureCookies: false,
    trustProxy: false,
    loginAttempts: 1000,
    log: pino({ level: 'silent' }),
    extra: serveWebUi(),
  });
  for (const person of STAFF) await server.users.update(person.id, { password: PASSWORD });
  const browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const clients = new Map<string, ApiClient>();
  const problems: string[] = [];
  return {
    problems,
    h,
    server,
    browser,
    url: server.url,
    async run() {
      const behind = Date.now() - h.clock.now().getTime();
      if (behind > 0) h.clock.advance(behind);
      await h.drain();
    },
    async context({ phone, lang } = {}) {
      const context = await browser.newContext({
        baseURL: server.url,
        viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
        deviceScaleFactor: 1,
        isMobile: Boolean(phone),
        hasTouch: Boolean(phone),
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
      });
      // The init script also runs in the blank page a new tab starts with, which has no storage.
      if (lang)
        await context.addInitScript((l) => {
          if (location.protocol.startsWith('http')) localStorage.setItem('preplan.lang', l);
        }, lang);
      context.setDefaultTimeout(10_000);
      context.on('weberror', (error) => problems.push(`page error: ${error.error().message}`));
      context.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
          problems.push(`console: ${message.text()}`);
      });
      return context;
    },
    async signIn(page, user) {
      await page.goto('/login');
      await page.getByLabel('用户名').fill(user);
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByRole('button', { name: '退出' }).waitFor();
    },
    async api(role) {
      const existing = clients.get(role);
      if (existing) return existing;
      const client = new ApiClient(server.url);
      const response = await client.login(`${role}1`);
      if (response.status !== 200) throw new Error(`cannot sign in as ${role}1: ${response.text}`);
      clients.set(role, client);
      return client;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await browser.close();
      await server.stop();
      await h.close();
      stopDiagramValidator();
    },
  };
}
