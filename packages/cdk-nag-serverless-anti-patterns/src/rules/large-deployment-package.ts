// A template says nothing about how big a function's code is, but the cloud assembly does:
// with asset metadata on (the CDK CLI's default), each function carries `aws:asset:path`, the
// folder or archive staged next to the template. This rule measures that staged asset.
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type CfnResource, Stage } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { resourceOf } from '../resources';
import type { AntiPatternRule } from '../rule';

/**
 * Unzipped bytes above which a function's own code is flagged: 10 MiB. A Node.js function
 * bundled by esbuild with the runtime's SDK left external weighs kilobytes, and a Python
 * function carrying Powertools and the X-Ray SDK about 5 MiB; past 10 MiB a package holds more
 * than its code and one library (copied node_modules, a second AWS SDK, compilers, tests).
 */
export const LARGE_PACKAGE_BYTES: number = 10 * 1024 * 1024;

const sizes = new Map<string, number | undefined>();

/** Sum of the sizes of the files under a folder (symbolic links followed to files only). */
function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += lstatSync(path).size;
    else if (entry.isSymbolicLink()) {
      const target = statSync(path, { throwIfNoEntry: false });
      if (target?.isFile()) total += target.size;
    }
  }
  return total;
}

/**
 * Unzipped size of a .zip (or .jar) archive: the sum of the uncompressed sizes its central
 * directory records. Falls back to the archive's own size when it cannot read one.
 */
function archiveBytes(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    // The end-of-central-directory record sits in the last 22 bytes plus up to 64 KiB of comment.
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    readSync(fd, tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) return size;
    const entries = tail.readUInt16LE(eocd + 10);
    const directoryLength = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    if (directoryOffset === 0xffffffff || directoryOffset + directoryLength > size) return size; // zip64: not worth parsing
    const directory = Buffer.alloc(directoryLength);
    readSync(fd, directory, 0, directoryLength, directoryOffset);
    let total = 0;
    let at = 0;
    for (let n = 0; n < entries && at + 46 <= directoryLength; n++) {
      if (directory.readUInt32LE(at) !== 0x02014b50) return size;
      total += directory.readUInt32LE(at + 24);
      at += 46 + directory.readUInt16LE(at + 28) + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    }
    return total;
  } finally {
    closeSync(fd);
  }
}

/** Unzipped bytes of a staged asset, or undefined when nothing is staged at that path. */
export function stagedAssetBytes(path: string): number | undefined {
  if (sizes.has(path)) return sizes.get(path);
  const stat = statSync(path, { throwIfNoEntry: false });
  const bytes = stat?.isDirectory() ? folderBytes(path) : stat?.isFile() ? archiveBytes(path) : undefined;
  // Staged assets are named after their content hash, so a path's size never changes.
  sizes.set(path, bytes);
  return bytes;
}

/** Where the function's code asset was staged in the cloud assembly, when the template says. */
export function functionAssetPath(node: CfnResource): string | undefined {
  if (node.cfnResourceType !== 'AWS::Lambda::Function') return undefined;
  const fn = resourceOf(node);
  if (fn?.type !== 'AWS::Lambda::Function' || fn.properties.PackageType === 'Image') return undefined;
  const path = fn.metadata['aws:asset:path'];
  const property = fn.metadata['aws:asset:property'];
  if (typeof path !== 'string' || (property !== undefined && property !== 'Code')) return undefined;
  return resolve(Stage.of(node)?.outdir ?? '.', path);
}

export const largeDeploymentPackage: AntiPatternRule = {
  id: 'LargeDeploymentPackage',
  level: NagMessageLevel.ERROR,
  info: 'The Lambda function deploys more than 10 MiB of unzipped code of its own (copied node_modules, a second AWS SDK, build tools or tests), which every cold start fetches and unpacks.',
  explanation:
    'Every new execution environment downloads and unpacks the whole package before the handler runs, the Init phase is billed and capped at 10 seconds, and a package heads for the hard limits of 50 MB zipped for direct upload and 250 MB unzipped with layers. ' +
    'Bundle a Node.js function with esbuild (NodejsFunction) minified and tree-shaken, with the runtime-provided AWS SDK left external; give a Python function only the packages the runtime lacks. ' +
    'Keep layers for heavy dependencies several functions share, and acknowledge the finding with a reason when a large native library really is needed.',
  check: (node) => {
    const path = functionAssetPath(node);
    if (path === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const bytes = stagedAssetBytes(path);
    if (bytes === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    return bytes > LARGE_PACKAGE_BYTES ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
