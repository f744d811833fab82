import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, resolveStateDir, statePaths } from './paths';

describe('state folder', () => {
  it('defaults to <repo>/.fabric, which git ignores', () => {
    expect(resolveStateDir({})).toBe(path.join(REPO_ROOT, '.fabric'));
    expect(fs.readFileSync(path.join(REPO_ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.fabric/');
  });

  it('is overridden by MLEDGER_STATE_DIR (made absolute)', () => {
    expect(resolveStateDir({ MLEDGER_STATE_DIR: '/tmp/x' })).toBe('/tmp/x');
    expect(resolveStateDir({ MLEDGER_STATE_DIR: 'rel' })).toBe(path.resolve('rel'));
    expect(resolveStateDir({ MLEDGER_STATE_DIR: '' })).toBe(path.join(REPO_ROOT, '.fabric'));
  });

  it('puts every file under the one root', () => {
    const p = statePaths('/s');
    const values = [
      p.bin,
      p.config,
      p.configtx,
      p.logs,
      p.log('x'),
      p.pid('x'),
      p.data('h'),
      p.caHome('O'),
      p.caTlsBundle('O'),
      p.orgMsp('O'),
      p.orgTlsCa('O'),
      p.caAdmin('O'),
      p.nodeMsp('O', 'h'),
      p.nodeTls('O', 'h'),
      p.userMsp('O', 'u'),
      p.userCert('O', 'u'),
      p.userKey('O', 'u'),
      p.enrolledMarker('O'),
      p.channelBlock('c'),
      p.chaincodePackage('O', 'l'),
      p.chaincodeDefinition,
      p.profile,
      p.mqttConfig,
      p.mqttData,
    ];
    for (const v of values) expect(v.startsWith('/s/')).toBe(true);
    expect(p.log('peer0')).toBe('/s/logs/peer0.log');
    expect(p.profile).toBe('/s/network.json');
    expect(p.userCert('PTB', 'admin')).toBe('/s/orgs/PTB/users/admin/cert.pem');
  });
});
