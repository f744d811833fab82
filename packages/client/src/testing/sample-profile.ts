import type { NetworkProfile } from '../profile';

/** The documented profile shape with two authority orgs; file paths live under `dir`. */
export function sampleProfile(dir = '/abs'): NetworkProfile {
  return {
    channel: 'nmichannel',
    chaincode: { name: 'meterledger', sequence: 1, version: '1' },
    orgs: {
      PTB: {
        mspId: 'PTBMSP',
        kind: 'authority',
        peers: [
          {
            name: 'peer0.ptb.meterledger.local',
            endpoint: '127.0.0.1:7051',
            hostAlias: 'peer0.ptb.meterledger.local',
            tlsRootCertPath: `${dir}/tlsca.pem`,
          },
          {
            name: 'peer1.ptb.meterledger.local',
            endpoint: '127.0.0.1:8051',
            hostAlias: 'peer1.ptb.meterledger.local',
            tlsRootCertPath: `${dir}/tlsca.pem`,
          },
        ],
        ca: { url: 'https://127.0.0.1:7054', tlsCertPath: `${dir}/ca-cert.pem` },
        identities: {
          admin: { certPath: `${dir}/cert.pem`, keyPath: `${dir}/key.pem`, role: 'admin' },
          registrar: { certPath: `${dir}/cert.pem`, keyPath: `${dir}/key.pem`, role: 'registrar' },
          norole: { certPath: `${dir}/cert.pem`, keyPath: `${dir}/key.pem`, role: null },
        },
      },
      Inmetro: {
        mspId: 'InmetroMSP',
        kind: 'authority',
        peers: [
          {
            name: 'peer0.inmetro.meterledger.local',
            endpoint: '127.0.0.1:9051',
            hostAlias: 'peer0.inmetro.meterledger.local',
            tlsRootCertPath: `${dir}/tlsca.pem`,
          },
        ],
        ca: { url: 'https://127.0.0.1:9054', tlsCertPath: `${dir}/ca-cert.pem` },
        identities: { admin: { certPath: `${dir}/cert.pem`, keyPath: `${dir}/key.pem`, role: 'admin' } },
      },
    },
  };
}
