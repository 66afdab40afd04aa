/**
 * A small model of a multi-stage Dockerfile, enough to answer "what runs, where, with which
 * environment" for a target without building it: stages and their ancestry (FROM <stage>), the
 * WORKDIR and ENV in effect, the exec argv (ENTRYPOINT + CMD), and which repository path an
 * image path comes from (following COPY back through stages to the build context).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import {
  Cmd,
  Copy,
  DockerfileParser,
  Entrypoint,
  Env,
  From,
  type Instruction,
  type JSONInstruction,
  Keyword,
  Workdir,
} from 'dockerfile-ast';

const posix = path.posix;

export interface Stage {
  /** Lower-cased `AS` name (stage names are case-insensitive), if any. */
  name: string | undefined;
  index: number;
  /** The FROM operand: an earlier stage's name or an image reference. */
  base: string;
  instructions: Instruction[];
}

/** An instruction of a stage's chain with the working directory in effect when it runs. */
interface Step {
  stage: Stage;
  instruction: Instruction;
  workdir: string;
}

/** Where an image path comes from: a repository path (relative, '' = root) or why not. */
export type Origin = { repo: string } | { unresolved: string };

export function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction instanceof From) {
      stages.push({
        name: instruction.getBuildStage()?.toLowerCase(),
        index: stages.length,
        base: instruction.getImage() ?? '',
        instructions: [],
      });
    } else {
      // Instructions before the first FROM (global ARGs) belong to no stage.
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** A stage by name or index, as FROM and COPY --from see it: only stages defined before `before`. */
export function findStage(stages: Stage[], ref: string, before = stages.length): Stage | undefined {
  const earlier = stages.slice(0, before);
  if (/^\d+$/.test(ref)) return earlier[Number(ref)];
  return earlier.find((stage) => stage.name === ref.toLowerCase());
}

function parentOf(stages: Stage[], stage: Stage): Stage | undefined {
  return findStage(stages, stage.base, stage.index);
}

/** The stage and its ancestors, root first: what the stage's filesystem and config start from. */
export function stageChain(stages: Stage[], stage: Stage): Stage[] {
  const parent = parentOf(stages, stage);
  return parent ? [...stageChain(stages, parent), stage] : [stage];
}

function stepsOf(stages: Stage[], stage: Stage): Step[] {
  const steps: Step[] = [];
  let workdir = '/';
  for (const link of stageChain(stages, stage)) {
    for (const instruction of link.instructions) {
      if (instruction instanceof Workdir)
        workdir = posix.resolve(workdir, instruction.getPath() ?? '');
      steps.push({ stage: link, instruction, workdir });
    }
  }
  return steps;
}

/** The working directory the stage's command starts in (Docker's default is `/`). */
export function finalWorkdir(stages: Stage[], stage: Stage): string {
  return stepsOf(stages, stage).at(-1)?.workdir ?? '/';
}

/** `$NAME` and `${NAME}` from earlier ENV values; unknown names (build ARGs) stay as written. */
function expand(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return env[name] ?? whole;
  });
}

/** The image's environment: every ENV of the chain, later ones winning. */
export function stageEnv(stages: Stage[], stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { instruction } of stepsOf(stages, stage)) {
    if (!(instruction instanceof Env)) continue;
    for (const property of instruction.getProperties()) {
      env[property.getName()] = expand(property.getUnescapedValue() ?? '', env);
    }
  }
  return env;
}

/** Exec form as written; shell form as Docker runs it. */
function argvOf(instruction: JSONInstruction): string[] {
  const json = instruction.getJSONStrings().map((arg) => arg.getJSONValue());
  if (instruction.getOpeningBracket()) return json;
  return ['/bin/sh', '-c', instruction.getArgumentsContent() ?? ''];
}

/**
 * ENTRYPOINT + CMD as the container starts them. An ENTRYPOINT clears a CMD inherited from a
 * parent stage (Docker's rule), not one set in its own stage.
 */
export function stageCommand(stages: Stage[], stage: Stage): string[] {
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  let cmdStage: Stage | undefined;
  for (const step of stepsOf(stages, stage)) {
    if (step.instruction instanceof Entrypoint) {
      entrypoint = argvOf(step.instruction);
      if (cmdStage !== step.stage) cmd = [];
    } else if (step.instruction instanceof Cmd) {
      cmd = argvOf(step.instruction);
      cmdStage = step.stage;
    }
  }
  return [...entrypoint, ...cmd];
}

/** Ports of the stage's EXPOSE instructions (own and inherited), without `/tcp`. */
export function exposedPorts(stages: Stage[], stage: Stage): number[] {
  return stepsOf(stages, stage)
    .filter(({ instruction }) => instruction.getKeyword() === Keyword.EXPOSE)
    .flatMap(({ instruction }) => instruction.getArguments().map((arg) => arg.getValue()))
    .map((value) => Number.parseInt(value, 10));
}

/** A path written with a trailing slash or as `.`: a directory (a source's contents are copied). */
const writtenAsDir = (written: string) => /(^|\/)\.?\/?$/.test(written);

interface CopyStep {
  /** `--from` value, absent for the build context. */
  from: string | undefined;
  sources: string[];
  /** Absolute destination, WORKDIR applied. */
  dest: string;
  destIsDir: boolean;
  order: number;
}

function copyStepsOf(stages: Stage[], stage: Stage): CopyStep[] {
  return stepsOf(stages, stage).flatMap((step, order) => {
    if (step.stage !== stage || !(step.instruction instanceof Copy)) return [];
    const copy = step.instruction;
    const json = copy.getJSONStrings().map((arg) => arg.getJSONValue());
    const args = copy.getOpeningBracket() ? json : copy.getArguments().map((a) => a.getValue());
    const rawDest = args.at(-1) ?? '.';
    const sources = args.slice(0, -1);
    return [
      {
        // Not getFromFlag(): dockerfile-ast 0.7.1 returns null there when COPY has other
        // flags too (`--from=manifests --chown=node:node`).
        from:
          copy
            .getFlags()
            .find((flag) => flag.getName() === 'from')
            ?.getValue() ?? undefined,
        sources,
        dest: posix.resolve(step.workdir, rawDest),
        // A dest ending in / (or `.`, `./`) is a directory; so is any dest of several sources.
        destIsDir: writtenAsDir(rawDest) || sources.length > 1,
        order,
      },
    ];
  });
}

/** Whether `inside` is `dir` or below it. */
const isWithin = (inside: string, dir: string) =>
  inside === dir || inside.startsWith(dir === '/' ? '/' : `${dir}/`);

/**
 * The source-side path a COPY puts at `target`, or undefined. `isDir` decides sources not
 * written as directories (the build context is looked at on disk; a stage's file is resolved).
 */
function sourceFor(
  step: CopyStep,
  target: string,
  isDir: (source: string) => boolean,
): string | undefined {
  for (const source of [...step.sources].reverse()) {
    if (writtenAsDir(source) || isDir(source)) {
      if (isWithin(target, step.dest)) return posix.join(source, posix.relative(step.dest, target));
      continue;
    }
    const placed = step.destIsDir ? posix.join(step.dest, posix.basename(source)) : step.dest;
    if (placed === target) return source;
  }
  return undefined;
}

/** Build-context paths are relative to the context root; `./x`, `/x` and `x` are the same. */
const contextPath = (source: string) => posix.normalize(`/${source}`).slice(1).replace(/\/$/, '');

function isDirectoryOnDisk(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Where `target` (absolute, in the stage's filesystem) comes from in the build context at
 * `contextDir`. The COPY with the longest destination covering it wins, the later one on a tie:
 * a broader later COPY (e.g. a dependencies tree at /app/) rarely carries the narrower one's
 * files, and this Dockerfile always copies narrower trees last. Without a COPY, the parent
 * stage's filesystem answers; a base image cannot.
 */
export function resolveImagePath(
  stages: Stage[],
  stage: Stage,
  target: string,
  contextDir: string,
): Origin {
  const isDirIn = (from: string | undefined) => (source: string) => {
    if (from === undefined) return isDirectoryOnDisk(path.join(contextDir, contextPath(source)));
    const fromStage = findStage(stages, from, stage.index);
    if (!fromStage) return false;
    const origin = resolveImagePath(stages, fromStage, posix.resolve('/', source), contextDir);
    return 'repo' in origin && isDirectoryOnDisk(path.join(contextDir, origin.repo));
  };
  const candidates = copyStepsOf(stages, stage)
    .map((step) => ({ step, source: sourceFor(step, target, isDirIn(step.from)) }))
    .filter((c): c is { step: CopyStep; source: string } => c.source !== undefined)
    .sort((a, b) => b.step.dest.length - a.step.dest.length || b.step.order - a.step.order);
  const best = candidates[0];
  if (best) {
    if (best.step.from === undefined) return { repo: contextPath(best.source) };
    const fromStage = findStage(stages, best.step.from, stage.index);
    if (!fromStage) return { unresolved: `${target} is copied from image ${best.step.from}` };
    return resolveImagePath(stages, fromStage, posix.resolve('/', best.source), contextDir);
  }
  const parent = parentOf(stages, stage);
  if (parent) return resolveImagePath(stages, parent, target, contextDir);
  return { unresolved: `${target} comes from base image ${stage.base}, not from a COPY` };
}

/** The script a `node` command runs: its first operand after the flags. */
export function nodeEntry(argv: string[]): { flags: string[]; entry: string | undefined } {
  const operands = argv.slice(1);
  const at = operands.findIndex((arg) => !arg.startsWith('-'));
  return at === -1
    ? { flags: operands, entry: undefined }
    : { flags: operands.slice(0, at), entry: operands[at] };
}
