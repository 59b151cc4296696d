// Reading the CA's CRL: @kasper/ca's reader (`@kasper/ca/crl`, which loads no node-forge).
export { isRevoked, normalizeSerial, revokedSerials } from '@kasper/ca/crl';
