import { existsSync } from 'node:fs';

/**
 * Flags that keep headless Chromium quiet and offline on machines without a network: without the
 * background-networking flags it floods the log with refused connections.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The Chromium to launch: `$CHROMIUM`, else Debian's `/usr/bin/chromium`, else undefined so that
 * Playwright uses the browser it installed itself (`npx playwright install chromium`).
 */
export function chromiumExecutable(): string | undefined {
  const fromEnv = process.env['CHROMIUM'];
  if (fromEnv) return fromEnv;
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

/** Playwright launch options for Chromium on this machine. */
export function chromiumLaunchOptions(): { executablePath?: string; args: string[] } {
  const executablePath = chromiumExecutable();
  return executablePath ? { executablePath, args: CHROMIUM_ARGS } : { args: CHROMIUM_ARGS };
}
