package smtp

import (
	"crypto/x509"
	"errors"
	"strings"

	"mailwizard/checks"
)

// certProblem words why a certificate did not verify, for people: Go's
// x509 errors ("parent certificate cannot sign this kind of certificate")
// name the mechanism, not what the mail administrator must change. The Go
// text stays in TLSInfo.VerifyError and in the transcript.
func certProblem(err error, info *TLSInfo, host string) checks.Text {
	var invalid x509.CertificateInvalidError
	var hostErr x509.HostnameError
	var unknown x509.UnknownAuthorityError
	var roots x509.SystemRootsError
	switch {
	case err == nil:
		return checks.Text{}
	case errors.As(err, &hostErr):
		if len(info.Names) == 0 {
			return checks.T("smtp.cert-name-mismatch.no-names", "the certificate names no host at all, so it cannot be for %s", host)
		}
		return checks.T("smtp.cert-name-mismatch", "the certificate is not for %s; it is for %s", host, strings.Join(info.Names, ", "))
	case errors.As(err, &unknown):
		if unknown.Cert != nil && unknown.Cert.Subject.String() == unknown.Cert.Issuer.String() {
			return checks.T("smtp.cert-self-signed", "the certificate is self-signed: no authority vouches for it")
		}
		return checks.T("smtp.cert-unknown-authority", "the certificate is issued by %q, an authority this computer does not trust (or the server omits an intermediate certificate)", info.Issuer)
	case errors.As(err, &roots):
		return checks.T("smtp.cert-invalid.no-roots", "this computer has no list of trusted certificate authorities to check the certificate against")
	case errors.As(err, &invalid):
		switch invalid.Reason {
		case x509.Expired:
			return checks.T("smtp.cert-expired", "the certificate is expired or not yet valid (valid %s to %s)", info.NotBefore.Format("2006-01-02"), info.NotAfter.Format("2006-01-02"))
		case x509.NotAuthorizedToSign:
			return checks.T("smtp.cert-invalid.not-authorized-to-sign", "a certificate in the server's chain signed another one without being allowed to: the chain is built wrongly, "+
				"or the server sends its own certificate as if it were an authority")
		case x509.CANotAuthorizedForThisName, x509.CANotAuthorizedForExtKeyUsage:
			return checks.T("smtp.cert-invalid.ca-not-authorized", "the authority that issued the certificate may not issue it for this name or purpose")
		case x509.IncompatibleUsage:
			return checks.T("smtp.cert-invalid.usage", "the certificate is not meant for servers (its key usage does not allow TLS server authentication)")
		case x509.TooManyIntermediates, x509.TooManyConstraints:
			return checks.T("smtp.cert-invalid.too-complex", "the certificate chain is too long or too complex to check")
		}
		return checks.T("smtp.cert-invalid", "the certificate chain is not valid")
	}
	return checks.T("smtp.cert-invalid.unverified", "the certificate could not be verified")
}

// certFix is what the mail administrator does about certProblem.
func certFix(err error, info *TLSInfo, host string) checks.Text {
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var unknown x509.UnknownAuthorityError
	switch {
	case errors.As(err, &hostErr) && len(info.Names) > 0:
		return checks.T("smtp.cert-name-mismatch.fix", "Use one of the names the certificate is for as the host (%s), or ask the mail administrator for a certificate that includes %s.",
			strings.Join(info.Names, ", "), host)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return checks.T("smtp.cert-expired.fix", "Ask the mail administrator to renew the certificate. Until then the service cannot check who it talks to.")
	case errors.As(err, &unknown) && unknown.Cert != nil && unknown.Cert.Subject.String() == unknown.Cert.Issuer.String():
		return checks.T("smtp.cert-self-signed.fix", "Ask the mail administrator for a certificate from a public authority (Let's Encrypt is free). Only on a trusted network: set certificate checking to 'skip'.")
	case errors.As(err, &unknown):
		return checks.T("smtp.cert-unknown-authority.fix", "Ask the mail administrator to install the full certificate chain, or a certificate from a public authority.")
	}
	return checks.T("smtp.cert-invalid.fix", "Ask the mail administrator to install a certificate from a public authority with its full chain, issued for %s.", host)
}
