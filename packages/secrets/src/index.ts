export { Keyring, closeEdit, decryptText, decryptToMarkers, decryptValueString, encryptForOutput, encryptMarkers, openForEdit, type EditSession, type EncryptOutput } from './eyaml.ts';
export { PREAMBLE, PREAMBLE_PREFIX, editFile, findEditor, type EditResult } from './edit.ts';
export { DEFAULT_KEYS, createKeys, decryptPkcs7, eyamlKeyOptions, encryptPkcs7, keyOptionsFrom, loadPrivateKey, loadPublicKey, type KeyOptions } from './pkcs7.ts';
export { encText, decText, lineColumn, looksEncrypted, parseDecrypted, parseEncrypted, parseHieraValue, type Token } from './format.ts';
export { SECRETS_MESSAGES } from './messages.ts';
