// A package-lock.json for the scratch app, cut from the repository's own lockfile: the
// packages the tarball's dependencies (and the app's tools) resolve to, at the same places
// and versions. npm then installs the app without asking the registry anything when its
// cache holds those tarballs, as it does after the repository's own `npm install`.

/** An entry of a lockfile's `packages` (lockfileVersion 3), with the fields read here. */
interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

/** A lockfile, as far as it is read here. */
export interface Lockfile {
  packages: Record<string, LockEntry>;
}

/** The fields of the packed package.json that go into its lock entry. */
export interface PackedManifest {
  name: string;
  version: string;
  license?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
}

/** Where `name` resolves from the package at `from` ('' for the root), as Node looks it up. */
function locate(packages: Lockfile['packages'], from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[key]) return key;
    if (!dir) return undefined;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent < 0 ? '' : dir.slice(0, parent);
  }
}

/** The names `entry` needs installed: its dependencies and its peers that are not optional. */
function requiredNames(entry: LockEntry | PackedManifest): string[] {
  const optionalPeer = (name: string) => entry.peerDependenciesMeta?.[name]?.optional === true;
  return [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeer(name))];
}

/**
 * The scratch app's package.json and package-lock.json: `tarball` (a path relative to the
 * app, `file:` form) as its dependency, and `tools` (names of packages the repository
 * installs) as dev dependencies at the repository's versions. Throws if the repository's
 * lockfile lacks a package the tarball depends on.
 */
export function scratchManifests(repoLock: Lockfile, packed: PackedManifest, tarball: { spec: string; integrity: string }, tools: string[]) {
  const source = repoLock.packages;
  const picked = new Map<string, LockEntry>();
  const pick = (from: string, names: string[], optional: Set<string> = new Set()) => {
    for (const name of names) {
      const key = locate(source, from, name);
      if (key === undefined) {
        if (optional.has(name)) continue;
        throw new Error(`${name} (needed by ${from || 'the scratch app'}) is not in package-lock.json: run npm install`);
      }
      if (picked.has(key)) continue;
      const entry = source[key] as LockEntry;
      picked.set(key, entry);
      pick(key, requiredNames(entry));
      pick(key, Object.keys(entry.optionalDependencies ?? {}), new Set(Object.keys(entry.optionalDependencies ?? {})));
    }
  };
  pick('', requiredNames(packed));
  pick('', tools);
  const devDependencies = Object.fromEntries(tools.map((name) => [name, (source[`node_modules/${name}`] as LockEntry).version]));

  const dependencies = { [packed.name]: tarball.spec };
  const packageJson = { name: 'eventtracking-scratch-app', private: true, dependencies, devDependencies };
  const { name, version, license, bin, engines, peerDependencies, peerDependenciesMeta } = packed;
  const packedEntry = { version, resolved: tarball.spec, integrity: tarball.integrity, license, dependencies: packed.dependencies, bin, engines, peerDependencies, peerDependenciesMeta };
  const packages: Record<string, unknown> = { '': { name: packageJson.name, dependencies, devDependencies }, [`node_modules/${name}`]: packedEntry };
  for (const key of [...picked.keys()].sort()) packages[key] = picked.get(key);
  const packageLock = { name: packageJson.name, lockfileVersion: 3, requires: true, packages };
  return { packageJson, packageLock };
}
