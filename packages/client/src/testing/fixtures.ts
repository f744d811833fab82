/**
 * Test-only PEM material: a self-signed P-256 certificate (CN=test.meterledger.local, valid until 2126)
 * and its private key. Used as TLS root and as client identity in unit tests; it secures nothing.
 */
export const TEST_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBmjCCAT+gAwIBAgIUTyxGKgbAtZArLAnDlDcUcMAu1GowCgYIKoZIzj0EAwIw
ITEfMB0GA1UEAwwWdGVzdC5tZXRlcmxlZGdlci5sb2NhbDAgFw0yNjExMjEwNzIy
MzFaGA8yMTI2MTAyODA3MjIzMVowITEfMB0GA1UEAwwWdGVzdC5tZXRlcmxlZGdl
ci5sb2NhbDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMxeatbIJ5ztPfxeCOaL
CS5xIBuuYoZ9YNAAAHiksqq0PCQO/kkoazt8ixCdioX+atu05ClWN9gZ2WBoUcKD
wAujUzBRMB0GA1UdDgQWBBTdT0IB0xUuWb/xl3oCJUSYcmj2TzAfBgNVHSMEGDAW
gBTdT0IB0xUuWb/xl3oCJUSYcmj2TzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49
BAMCA0kAMEYCIQCD9TxXRj9D/zuATVwG+nl3o8MSqSOPsAQniJjDGPuqDQIhAIc1
aSpCMeTptlwut4dc7DDCokCr6Ko3AC2CNcoHN9ua
-----END CERTIFICATE-----
`;

export const TEST_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgWlFLl/8OsMtSW8hu
37CPnfyaBadHpDcOTj+uMzF/sHChRANCAATMXmrWyCec7T38XgjmiwkucSAbrmKG
fWDQAAB4pLKqtDwkDv5JKGs7fIsQnYqF/mrbtOQpVjfYGdlgaFHCg8AL
-----END PRIVATE KEY-----
`;
