package smtp

import (
	"strings"

	"mailwizard/checks"
)

// Microsoft 365 answers every refused login with 535 5.7.139 and tells the
// causes apart only in the text after it ("Authentication unsuccessful,
// ..."). Each cause has its own fix, so the text decides; a text we do not
// know is quoted and said to be unknown rather than guessed at.

// m365Connector is the way round a refused login that most fixes end with.
func m365Connector() checks.Text {
	return checks.T("smtp.m365-connector", "Or let the service send without a password: in the Exchange admin center open Mail flow > Connectors, add a connector from "+
		"'Partner organization' to 'Office 365', identify the partner by IP address, and add the service's IP ranges; then choose "+
		"'IP allow-list' as authentication here.")
}

func isM365AuthRefusal(f *failure) bool { return f.enhanced() == "5.7.139" }

var m365Rules = []rule{
	{code: "smtp.m365-auth-disabled", match: func(f *failure) bool {
		return f.said("SmtpClientAuthentication is disabled")
	}, words: func(f *failure) (checks.Text, checks.Text) {
		if f.said("for the Mailbox") {
			return checks.T("smtp.m365-auth-disabled.mailbox", "Microsoft 365 has SMTP AUTH switched off for this mailbox%s", f.serverSaid()),
				checks.T("smtp.m365-auth-disabled.fix.mailbox", "Enable it for the sending mailbox: Microsoft 365 admin center > Users > Active users > the mailbox > Mail > Manage email apps > "+
					"tick Authenticated SMTP (PowerShell: Set-CASMailbox -Identity MAILBOX -SmtpClientAuthenticationDisabled $false). %s", m365Connector())
		}
		return checks.T("smtp.m365-auth-disabled", "Microsoft 365 has SMTP AUTH switched off for this tenant%s", f.serverSaid()),
			checks.T("smtp.m365-auth-disabled.fix", "Enable it for the sending mailbox only: Microsoft 365 admin center > Users > Active users > the mailbox > Mail > Manage email apps > "+
				"tick Authenticated SMTP; the tenant-wide switch can stay off. %s", m365Connector())
	}},
	{code: "smtp.auth-failed", match: func(f *failure) bool {
		return f.said("credentials were incorrect", "user credentials were incorrect")
	}, words: func(f *failure) (checks.Text, checks.Text) {
		return checks.T("smtp.auth-failed.m365", "Microsoft 365 says the username or password is wrong%s", f.serverSaid()),
			checks.T("smtp.auth-failed.fix.m365", "Check the username (the mailbox's full address) and the password by signing in at outlook.office.com. "+
				"If the account uses multi-factor authentication, SMTP AUTH cannot use its password: use an app password, or a connector. %s", m365Connector())
	}},
	{code: "smtp.m365-security-defaults", match: func(f *failure) bool {
		return f.said("security defaults")
	}, words: func(f *failure) (checks.Text, checks.Text) {
		return checks.T("smtp.m365-security-defaults", "Microsoft 365's security defaults block logging in with a password over SMTP for this tenant%s", f.serverSaid()),
			checks.T("smtp.m365-security-defaults.fix", "Security defaults switch basic authentication off and cannot make an exception for one mailbox. Either use a connector "+
				"(no password needed), or have a Global Administrator turn security defaults off (Microsoft Entra admin center > Overview > "+
				"Properties > Manage security defaults) and replace them with Conditional Access policies that exclude only this mailbox.")
	}},
	{code: "smtp.m365-conditional-access", match: func(f *failure) bool {
		return f.said("did not meet the criteria", "conditional access")
	}, words: func(f *failure) (checks.Text, checks.Text) {
		return checks.T("smtp.m365-conditional-access", "a Conditional Access policy of the tenant refused this login%s", f.serverSaid()),
			checks.T("smtp.m365-conditional-access.fix", "Ask the Microsoft 365 administrator which policy blocks the sign-in (Microsoft Entra admin center > Sign-in logs, "+
				"filter on the mailbox) and exclude this mailbox from it for SMTP, or use a connector instead. %s", m365Connector())
	}},
	{code: "smtp.m365-basic-auth-disabled", match: func(f *failure) bool {
		return f.said("basic authentication is disabled", "basic auth")
	}, words: func(f *failure) (checks.Text, checks.Text) {
		return checks.T("smtp.m365-basic-auth-disabled", "an authentication policy of the tenant switches basic authentication off for SMTP%s", f.serverSaid()),
			checks.T("smtp.m365-basic-auth-disabled.fix", "Ask the Exchange administrator to allow basic authentication for SMTP for this mailbox (PowerShell: "+
				"New-AuthenticationPolicy with -AllowBasicAuthSmtp, assigned with Set-User -AuthenticationPolicy), or use a connector. %s", m365Connector())
	}},
	// Any other 5.7.139: Microsoft refused, for a reason we cannot name.
	{code: "smtp.m365-auth-refused", match: func(*failure) bool { return true }, words: func(f *failure) (checks.Text, checks.Text) {
		return checks.T("smtp.m365-auth-refused", "Microsoft 365 refused the login, for a reason mailwizard does not recognise%s", f.serverSaid()),
			checks.T("smtp.m365-auth-refused.fix", "The text Microsoft sent names the reason; look it up at https://aka.ms/smtp_auth_disabled or ask the Microsoft 365 administrator.")
	}},
}

// explainM365 picks the Microsoft rule for a 5.7.139 refusal.
func explainM365(f *failure) (rule, bool) {
	if !isM365AuthRefusal(f) && !strings.Contains(strings.ToLower(f.message()), "smtpclientauthentication is disabled") {
		return rule{}, false
	}
	for _, r := range m365Rules {
		if r.match(f) {
			return r, true
		}
	}
	return rule{}, false
}
