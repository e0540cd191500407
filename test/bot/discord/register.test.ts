import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordApiStandIn } from '../../support/discord-api.js';
import { generateTestKeyPair } from '../../support/discord-signing.js';

const run = promisify(execFile);
const GUILD_ID = '900000000000000001';

interface Command {
  name: string;
  options: { name: string; type: number; options?: { name: string; autocomplete?: boolean }[] }[];
}

describe('discord:register script', () => {
  let api: DiscordApiStandIn;

  beforeEach(async () => {
    api = await DiscordApiStandIn.start();
  });

  afterEach(async () => {
    await api.close();
  });

  function register(extra: Record<string, string> = {}) {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      DISCORD_APPLICATION_ID: api.identity.applicationId,
      DISCORD_PUBLIC_KEY: generateTestKeyPair().publicKeyHex,
      DISCORD_BOT_TOKEN: api.identity.botToken,
      DISCORD_API_URL: api.apiUrl,
      ...extra,
    };
    return run(process.execPath, ['--import', 'tsx', 'scripts/register-discord.ts'], { env });
  }

  it('registers the command in one server', async () => {
    const { stdout } = await register({ DISCORD_GUILD_ID: GUILD_ID });

    expect(stdout).toContain(`Registered /drumbeat in server ${GUILD_ID}`);
    expect(api.commandRegistrations).toHaveLength(1);
    const registration = api.commandRegistrations[0]!;
    expect(registration.guildId).toBe(GUILD_ID);
    const command = registration.commands[0] as Command;
    expect(command.name).toBe('drumbeat');
    expect(command.options.map((option) => option.name)).toEqual([
      'new',
      'list',
      'silence',
      'status',
      'unsilence',
      'pause',
      'resume',
      'delete',
      'timezone',
      'digest',
      'pingkey',
      'help',
    ]);
    const status = command.options.find((option) => option.name === 'status');
    expect(status?.options?.[0]).toMatchObject({ name: 'name', autocomplete: true });
    const created = command.options.find((option) => option.name === 'new');
    expect(created?.options?.map((option) => option.name)).toEqual([
      'name',
      'schedule',
      'grace',
      'max_runtime',
      'channel',
    ]);
  });

  it('registers globally without DISCORD_GUILD_ID', async () => {
    const { stdout } = await register();

    expect(stdout).toContain('globally');
    expect(api.commandRegistrations[0]?.guildId).toBeNull();
    expect(api.callsTo('PUT', `/applications/${api.identity.applicationId}/commands`)).toHaveLength(
      1,
    );
  });

  it('names the missing variables', async () => {
    const failure = await register({ DISCORD_BOT_TOKEN: '' }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('DISCORD_BOT_TOKEN');
    expect(api.commandRegistrations).toHaveLength(0);
  });

  /** Runs the script, expecting it to fail, and returns its exit status and error output. */
  async function failedRegister(extra: Record<string, string> = {}) {
    const failure = await register(extra).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    if (failure === null) throw new Error('discord:register succeeded, but a failure was expected');
    return failure;
  }

  it('reports a JSON object in place of the list', async () => {
    api.failNext('PUT', /\/commands$/, { kind: 'rewrite_answer', rewrite: () => ({ ok: true }) });
    const failure = await failedRegister({ DISCORD_GUILD_ID: GUILD_ID });

    expect(failure.code).toBe(1);
    expect(failure.stderr).toBe(
      `Registration failed: ${api.apiUrl} responded with HTTP 200 and a body that is not a list of commands: {"ok":true}. Check DISCORD_API_URL, or run the command again later.\n`,
    );
    expect(api.commandRegistrations).toHaveLength(1);
  });

  it('reports commands without names', async () => {
    api.failNext('PUT', /\/commands$/, { kind: 'rewrite_answer', rewrite: () => [{ id: '1' }] });
    const failure = await failedRegister();

    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('a body that is not a list of commands: [{"id":"1"}].');
    expect(failure.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('reports an HTML page in place of the list', async () => {
    const html = '<!DOCTYPE html>\n<html>\n  <body>Sign in to continue</body>\n</html>\n';
    api.failNext('PUT', /\/commands$/, { kind: 'html_page', status: 200, html });
    const failure = await failedRegister();

    expect(failure.code).toBe(1);
    expect(failure.stderr).toBe(
      `Registration failed: ${api.apiUrl} responded with HTTP 200 and a body that is not a list of commands: <!DOCTYPE html> <html> <body>Sign in to continue</body> </html>. Check DISCORD_API_URL, or run the command again later.\n`,
    );
    expect(api.commandRegistrations).toHaveLength(0);
  });

  it('reports a server error after the retries', async () => {
    api.failNext('PUT', /\/commands$/, { kind: 'server_error', status: 502 }, 4);
    const failure = await failedRegister();

    expect(failure.code).toBe(1);
    expect(failure.stderr).toBe(
      `Registration failed: ${api.apiUrl} responded with HTTP 502. Run the command again later.\n`,
    );
    expect(api.callsTo('PUT', /\/commands$/)).toHaveLength(4);
  });

  it('reports a rejected registration', async () => {
    const failure = await register({ DISCORD_APPLICATION_ID: '1200000000000000999' }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('HTTP 403');
  });
});
