// Starts the REAL fabric-chaincode-node (fabric-shim, a dependency of packages/chaincode) the way
// `deploy` does — chaincode-as-a-service on the org's port with a package id, under our supervisor —
// serving a tiny contract; kills the server and sees the supervisor bring it back; stops it.
// The peer side is exercised by the integration suite on the live network.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chaincodePackage, chaincodeProjectProblem, chaincodeServer, chaincodeServerBin } from './chaincode';
import { DEFAULT_TOPOLOGY, REPO_ROOT, statePaths } from './paths';
import { portOpen, runningPid, startProcess, stopProcess } from './process';
import { loadTopology } from './topology';

const shimInstalled = fs.existsSync(path.join(REPO_ROOT, 'node_modules', 'fabric-contract-api')) && fs.existsSync(chaincodeServerBin(os.tmpdir()));
const maybe = shimInstalled ? it : it.skip;

describe('chaincode server (real fabric-chaincode-node)', () => {
  jest.setTimeout(60_000);

  maybe('listens on the org’s chaincode port with the package id, and stops', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-'));
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(project, 'node_modules'));
    fs.mkdirSync(path.join(project, 'dist'));
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'cc', version: '1.0.0', main: 'dist/index.js' }));
    fs.writeFileSync(
      path.join(project, 'dist', 'index.js'),
      "const { Contract } = require('fabric-contract-api');\nclass Ping extends Contract { async ping() { return 'pong'; } }\nmodule.exports.contracts = [Ping];\n",
    );
    expect(chaincodeProjectProblem(project)).toBeNull();

    const base = loadTopology(DEFAULT_TOPOLOGY);
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const t = { ...base, chaincode: { ...base.chaincode, serverPorts: { ...base.chaincode.serverPorts, PTB: port } } };
    const org = t.orgs[0];
    const paths = statePaths(fs.mkdtempSync(path.join(os.tmpdir(), 'ccstate-')));
    const spec = chaincodeServer(t, org, chaincodePackage(t, org, '1').packageId, project);
    try {
      expect(await startProcess(spec, paths, { step: 'starting the PTB chaincode server', timeoutMs: 30_000 })).toBe('started');
      expect(await portOpen('127.0.0.1', port)).toBe(true);

      // The server dies (as under the OOM killer); the supervisor starts it again.
      const supervisor = runningPid(paths, spec.name) as number;
      const server = Number(fs.readFileSync(`/proc/${supervisor}/task/${supervisor}/children`, 'utf8').trim().split(/\s+/)[0]);
      process.kill(server, 'SIGKILL');
      const deadline = Date.now() + 20_000;
      while (!(await portOpen('127.0.0.1', port)) || fs.readFileSync(paths.log(spec.name), 'utf8').split('started pid').length < 3) {
        if (Date.now() > deadline) throw new Error(`not restarted:\n${fs.readFileSync(paths.log(spec.name), 'utf8')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(fs.readFileSync(paths.log(spec.name), 'utf8')).toMatch(/exited \(signal SIGKILL\); restarting in 1s \(restart #1\)/);
      expect(runningPid(paths, spec.name)).toBe(supervisor);
    } finally {
      await stopProcess(paths, spec.name);
    }
    expect(await portOpen('127.0.0.1', port)).toBe(false);
  });

  it('explains what is missing when the chaincode is not built', () => {
    expect(chaincodeProjectProblem(fs.mkdtempSync(path.join(os.tmpdir(), 'empty-')))).toMatch(/dist\/index\.js does not exist: build the chaincode first/);
  });
});
