// Podman and podman-compose for the container test: commands with deadlines whose failures carry their
// output, one compose project's containers by service, and the project's leftovers found by label.

import { execa } from 'execa';

export interface Output {
  stdout: string;
  stderr: string;
}

/** Runs a command; a non-zero exit throws with the command and the end of its output. */
export async function run(
  command: string,
  args: readonly string[],
  { timeoutMs = 120_000, cwd }: { timeoutMs?: number; cwd?: string } = {},
): Promise<Output> {
  const result = await execa(command, args, { reject: false, timeout: timeoutMs, ...(cwd ? { cwd } : {}) });
  if (result.exitCode !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().slice(-2_000);
    throw new Error(`${command} ${args.join(' ')} failed (${result.shortMessage}):\n${output}`);
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

/** The commands among `commands` that are not on PATH. */
export async function missingCommands(commands: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    commands.map(
      async (command) =>
        (await execa('sh', ['-c', `command -v ${command}`], { reject: false })).exitCode === 0,
    ),
  );
  return commands.filter((_, index) => !found[index]);
}

/** The id of a local image, or undefined when there is none by that name. */
export async function imageId(name: string): Promise<string | undefined> {
  const result = await execa('podman', ['image', 'inspect', '--format', '{{.Id}}', name], { reject: false });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** One podman-compose project: its containers are named <project>_<service>_1, all labelled with it. */
export class ComposeProject {
  constructor(
    readonly name: string,
    private readonly file: string,
  ) {}

  compose(args: readonly string[], timeoutMs = 480_000): Promise<Output> {
    return run('podman-compose', ['-p', this.name, '-f', this.file, ...args], { timeoutMs });
  }

  container(service: string): string {
    return `${this.name}_${service}_1`;
  }

  /** `podman healthcheck run`: there is no systemd here to run the image's HEALTHCHECK on a timer. */
  async healthy(service: string): Promise<boolean> {
    const result = await execa('podman', ['healthcheck', 'run', this.container(service)], {
      reject: false,
      timeout: 30_000,
    });
    return result.exitCode === 0;
  }

  /** The container's address on the project's network (it may change when the container restarts). */
  async address(service: string): Promise<string> {
    const { stdout } = await run('podman', [
      'inspect',
      '--format',
      `{{(index .NetworkSettings.Networks "${this.name}_default").IPAddress}}`,
      this.container(service),
    ]);
    return stdout.trim();
  }

  /** Runs the gossip CLI inside a service's container, as the compose session of docs/operations.md does. */
  gossip(service: string, args: readonly string[]): Promise<Output> {
    return run('podman', ['exec', this.container(service), 'node', '/app/bin/gossip.js', ...args]);
  }

  /** Names of the project's containers, volumes and networks that exist now. */
  async leftovers(): Promise<{ containers: string[]; volumes: string[]; networks: string[] }> {
    const label = `label=io.podman.compose.project=${this.name}`;
    const names = async (args: string[]): Promise<string[]> =>
      (await run('podman', args)).stdout.split('\n').filter((line) => line !== '');
    return {
      containers: await names(['ps', '--all', '--filter', label, '--format', '{{.Names}}']),
      volumes: await names(['volume', 'ls', '--filter', label, '--format', '{{.Name}}']),
      networks: await names(['network', 'ls', '--filter', label, '--format', '{{.Name}}']),
    };
  }

  /** Removes whatever of the project exists, by name: the test's cleanup, whether or not `down` ran. */
  async remove(): Promise<void> {
    const { containers, volumes, networks } = await this.leftovers();
    if (containers.length > 0) await run('podman', ['rm', '--force', '--time', '0', ...containers]);
    if (volumes.length > 0) await run('podman', ['volume', 'rm', '--force', ...volumes]);
    if (networks.length > 0) await run('podman', ['network', 'rm', '--force', ...networks]);
  }
}
