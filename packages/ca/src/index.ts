// @kasper/ca: Kasper's certificate authority.
export { CertificateAuthority, type CAOptions, type CertInfo, type SignOptions } from './ca.ts';
export { isRevoked, normalizeSerial, revokedSerials } from './crl.ts';
export { CAError, CERTNAME_PATTERN, certnamePath, checkName } from './names.ts';
export { CA_MESSAGES } from './messages.ts';
export {
  PP_AUTH_EXTENSIONS, PP_EXTENSIONS, certificateExtensions, generateKey, isAuthorizationExtension, makeCsr, readCsr,
  type CsrOptions, type GeneratedKey, type ReadCsr,
} from './csr.ts';
export { MAX_POLICY_PROCESSES, globMatches, type AutosignPolicy } from './autosign.ts';
