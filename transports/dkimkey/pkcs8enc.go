// Encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY"), as openssl genpkey -aes256 and
// openssl pkcs8 -topk8 write it: an EncryptedPrivateKeyInfo (RFC 5958
// section 3) whose encryption is PBES2 (RFC 8018 section 6.2): a key derived
// from the password with PBKDF2 (section 5.2, parameters in appendix A.2)
// encrypts a plain PKCS#8 key with a CBC block cipher (appendix B.2) padded
// as in section 6.1.1 step 4. The cryptography is Go's; only the ASN.1
// around it is ours.
//
// Anything else gets an error naming the scheme and the openssl command that
// rewrites the key in a form read here: PBES1 (section 6.1, and the PKCS#12
// schemes openssl writes with -v1), scrypt (RFC 7914 section 7), ciphers
// other than AES-CBC and DES-EDE3-CBC. All parameters are checked before the
// password is asked for, so an unreadable file never prompts.

package dkimkey

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
)

// ErrUnsupportedEncryption is an encrypted key in a scheme we do not
// decrypt; the message says how to convert it.
var ErrUnsupportedEncryption = errors.New("dkimkey: unsupported key encryption")

// A hostile or damaged file must not hang the wizard. A DKIM key is at most a
// few kilobytes (RSA-8192 PKCS#8 is under 5 KB); openssl uses 2048 PBKDF2
// iterations and the most cautious current advice (OWASP, 2023) 1,300,000
// for HMAC-SHA1, so ten million is a few seconds of honest work at most.
const (
	maxEncryptedKeySize = 64 << 10
	maxPBKDF2Iterations = 10_000_000
)

// convertHint is what to do with a key we cannot decrypt.
const convertHint = "re-encrypt it with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key-new.pem, " +
	"or decrypt it with: openssl pkey -in key.pem -out key-plain.pem (and delete key-plain.pem after the import)"

var (
	oidPBES2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
)

// prfs are the PBKDF2 pseudorandom functions of RFC 8018 appendix B.1.
var prfs = map[string]func() hash.Hash{
	"1.2.840.113549.2.7":  sha1.New, // hmacWithSHA1, the DEFAULT
	"1.2.840.113549.2.8":  sha256.New224,
	"1.2.840.113549.2.9":  sha256.New,
	"1.2.840.113549.2.10": sha512.New384,
	"1.2.840.113549.2.11": sha512.New,
}

// cbcCipher is an encryption scheme of RFC 8018 appendix B.2; its
// parameters are the IV, one block long.
type cbcCipher struct {
	keyLen, blockSize int
	newBlock          func(key []byte) (cipher.Block, error)
}

var ciphers = map[string]cbcCipher{
	"2.16.840.1.101.3.4.1.2":  {16, aes.BlockSize, aes.NewCipher},          // aes128-CBC-PAD
	"2.16.840.1.101.3.4.1.22": {24, aes.BlockSize, aes.NewCipher},          // aes192-CBC-PAD
	"2.16.840.1.101.3.4.1.42": {32, aes.BlockSize, aes.NewCipher},          // aes256-CBC-PAD
	"1.2.840.113549.3.7":      {24, des.BlockSize, des.NewTripleDESCipher}, // des-EDE3-CBC, openssl -v2 des3
}

// pbes1Names are the password schemes older than PBES2 that openssl still
// writes with -v1: PKCS#5 PBES1 (RFC 8018 appendix A.3) and PKCS#12
// (RFC 7292 appendix C).
var pbes1Names = map[string]string{
	"1.2.840.113549.1.5.1":    "PBES1 pbeWithMD2AndDES-CBC",
	"1.2.840.113549.1.5.4":    "PBES1 pbeWithMD2AndRC2-CBC",
	"1.2.840.113549.1.5.3":    "PBES1 pbeWithMD5AndDES-CBC",
	"1.2.840.113549.1.5.6":    "PBES1 pbeWithMD5AndRC2-CBC",
	"1.2.840.113549.1.5.10":   "PBES1 pbeWithSHA1AndDES-CBC",
	"1.2.840.113549.1.5.11":   "PBES1 pbeWithSHA1AndRC2-CBC",
	"1.2.840.113549.1.12.1.1": "PKCS#12 pbeWithSHAAnd128BitRC4 (PBES1 style)",
	"1.2.840.113549.1.12.1.2": "PKCS#12 pbeWithSHAAnd40BitRC4 (PBES1 style)",
	"1.2.840.113549.1.12.1.3": "PKCS#12 pbeWithSHAAnd3-KeyTripleDES-CBC (PBES1 style)",
	"1.2.840.113549.1.12.1.4": "PKCS#12 pbeWithSHAAnd2-KeyTripleDES-CBC (PBES1 style)",
	"1.2.840.113549.1.12.1.5": "PKCS#12 pbeWithSHAAnd128BitRC2-CBC (PBES1 style)",
	"1.2.840.113549.1.12.1.6": "PKCS#12 pbewithSHAAnd40BitRC2-CBC (PBES1 style)",
}

type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

type pbes2Params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	EncryptionScheme  pkix.AlgorithmIdentifier
}

// pbkdf2Params is RFC 8018 appendix A.2. Salt is raw because it is a CHOICE
// and only its OCTET STRING arm ("specified") is defined in practice.
type pbkdf2Params struct {
	Salt           asn1.RawValue
	IterationCount int
	KeyLength      int                      `asn1:"optional"`
	PRF            pkix.AlgorithmIdentifier `asn1:"optional"`
}

// pbes2 is everything needed to decrypt a key except the password.
type pbes2 struct {
	salt, iv, data []byte
	iterations     int
	prf            func() hash.Hash
	cipher         cbcCipher
}

// decryptPKCS8 turns the DER of an EncryptedPrivateKeyInfo into the DER of
// the plain PKCS#8 key, asking for the password only once the parameters
// are known to be ones we can use. The caller clears the result.
func decryptPKCS8(der []byte, password PasswordFunc, maxIterations int) ([]byte, error) {
	if len(der) > maxEncryptedKeySize {
		return nil, fmt.Errorf("%w: the encrypted key is %d bytes, far more than any DKIM key (at most %d): is this the right file?", ErrNoKey, len(der), maxEncryptedKeySize)
	}
	p, err := parsePBES2(der, maxIterations)
	if err != nil {
		return nil, err
	}
	pw, err := askPassword(password)
	if err != nil {
		return nil, err
	}
	defer clear(pw)
	return p.decrypt(pw)
}

func parsePBES2(der []byte, maxIterations int) (*pbes2, error) {
	var info encryptedPrivateKeyInfo
	if err := unmarshalExact(der, &info); err != nil {
		return nil, fmt.Errorf("%w: reading the encrypted key: %w", ErrNoKey, err)
	}
	scheme := info.Algorithm.Algorithm
	if name, ok := pbes1Names[scheme.String()]; ok {
		return nil, fmt.Errorf("%w: the key is encrypted with %s, an outdated scheme; %s", ErrUnsupportedEncryption, name, convertHint)
	}
	if !scheme.Equal(oidPBES2) {
		return nil, fmt.Errorf("%w: the key is encrypted with the unknown scheme %s; %s", ErrUnsupportedEncryption, scheme, convertHint)
	}
	var params pbes2Params
	if err := unmarshalExact(info.Algorithm.Parameters.FullBytes, &params); err != nil {
		return nil, fmt.Errorf("%w: reading the PBES2 parameters: %w", ErrNoKey, err)
	}

	kdf := params.KeyDerivationFunc.Algorithm
	if kdf.Equal(oidScrypt) {
		return nil, fmt.Errorf("%w: the key is encrypted with PBES2 using the scrypt key derivation; %s", ErrUnsupportedEncryption, convertHint)
	}
	if !kdf.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("%w: the key is encrypted with PBES2 using the unknown key derivation %s; %s", ErrUnsupportedEncryption, kdf, convertHint)
	}
	encOID := params.EncryptionScheme.Algorithm
	c, ok := ciphers[encOID.String()]
	if !ok {
		return nil, fmt.Errorf("%w: the key is encrypted with PBES2 using the cipher %s, not AES-CBC or DES-EDE3-CBC; %s", ErrUnsupportedEncryption, encOID, convertHint)
	}

	var kp pbkdf2Params
	if err := unmarshalExact(params.KeyDerivationFunc.Parameters.FullBytes, &kp); err != nil {
		return nil, fmt.Errorf("%w: reading the PBKDF2 parameters: %w", ErrNoKey, err)
	}
	if kp.Salt.Class != asn1.ClassUniversal || kp.Salt.Tag != asn1.TagOctetString || kp.Salt.IsCompound {
		return nil, fmt.Errorf("%w: the PBKDF2 salt is not given directly (RFC 8018 appendix A.2 \"otherSource\"); %s", ErrUnsupportedEncryption, convertHint)
	}
	// RFC 8018 section 5.2: the iteration count is a positive integer.
	if kp.IterationCount < 1 {
		return nil, fmt.Errorf("%w: the PBKDF2 iteration count %d is not positive", ErrNoKey, kp.IterationCount)
	}
	if kp.IterationCount > maxIterations {
		return nil, fmt.Errorf("%w: the key asks for %d PBKDF2 iterations, more than the %d we allow so that a damaged file cannot stall the import; %s",
			ErrUnsupportedEncryption, kp.IterationCount, maxIterations, convertHint)
	}
	// keyLength is optional and, for these ciphers, fixed by the cipher.
	if kp.KeyLength != 0 && kp.KeyLength != c.keyLen {
		return nil, fmt.Errorf("%w: the PBKDF2 key length %d does not fit the cipher %s (%d bytes)", ErrNoKey, kp.KeyLength, encOID, c.keyLen)
	}
	prf := sha1.New // RFC 8018 appendix A.2: prf DEFAULT algid-hmacWithSHA1
	if len(kp.PRF.Algorithm) != 0 {
		if prf, ok = prfs[kp.PRF.Algorithm.String()]; !ok {
			return nil, fmt.Errorf("%w: the key uses the PBKDF2 function %s, not HMAC with SHA-1 or SHA-2; %s", ErrUnsupportedEncryption, kp.PRF.Algorithm, convertHint)
		}
	}

	var iv []byte
	if err := unmarshalExact(params.EncryptionScheme.Parameters.FullBytes, &iv); err != nil {
		return nil, fmt.Errorf("%w: reading the cipher's IV: %w", ErrNoKey, err)
	}
	if len(iv) != c.blockSize {
		return nil, fmt.Errorf("%w: the cipher's IV is %d bytes, not %d", ErrNoKey, len(iv), c.blockSize)
	}
	if len(info.EncryptedData) == 0 || len(info.EncryptedData)%c.blockSize != 0 {
		return nil, fmt.Errorf("%w: the encrypted data is %d bytes, not a whole number of %d-byte blocks", ErrNoKey, len(info.EncryptedData), c.blockSize)
	}
	return &pbes2{salt: kp.Salt.Bytes, iv: iv, data: info.EncryptedData, iterations: kp.IterationCount, prf: prf, cipher: c}, nil
}

// decrypt is RFC 8018 section 6.2.2. A wrong password shows as bad padding
// or, once in 256 tries, as padding that passes and DER that does not.
func (p *pbes2) decrypt(pw []byte) ([]byte, error) {
	// crypto/pbkdf2 wants a string; that copy and the cipher's key schedule
	// are beyond our reach, so clearing is best effort.
	key, err := pbkdf2.Key(p.prf, string(pw), p.salt, p.iterations, p.cipher.keyLen)
	if err != nil {
		return nil, fmt.Errorf("dkimkey: deriving the key from the password: %w", err)
	}
	defer clear(key)
	block, err := p.cipher.newBlock(key)
	if err != nil {
		return nil, fmt.Errorf("dkimkey: setting up the cipher: %w", err)
	}
	plain := make([]byte, len(p.data))
	cipher.NewCBCDecrypter(block, p.iv).CryptBlocks(plain, p.data)

	// Section 6.1.1 step 4: 1 to blockSize bytes, each holding the count.
	n := int(plain[len(plain)-1])
	ok := n >= 1 && n <= p.cipher.blockSize
	for i := 0; ok && i < n; i++ {
		ok = plain[len(plain)-1-i] == byte(n)
	}
	var seq asn1.RawValue
	if ok {
		rest, err := asn1.Unmarshal(plain[:len(plain)-n], &seq)
		ok = err == nil && len(rest) == 0 && seq.Class == asn1.ClassUniversal && seq.Tag == asn1.TagSequence && seq.IsCompound
	}
	if !ok {
		clear(plain)
		return nil, ErrWrongPassword
	}
	return plain[:len(plain)-n], nil
}

// unmarshalExact is asn1.Unmarshal that refuses trailing data.
func unmarshalExact(der []byte, v any) error {
	rest, err := asn1.Unmarshal(der, v)
	if err == nil && len(rest) != 0 {
		err = fmt.Errorf("%d bytes of trailing data", len(rest))
	}
	return err
}
