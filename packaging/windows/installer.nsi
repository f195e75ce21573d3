; The Windows installer of mailwizard: per user, without administrator
; rights, in %LOCALAPPDATA%\Programs\<name>. scripts/package-windows.sh
; runs makensis with these defines:
;   NAME        display name ("Mail Transport Wizard", or a provider's)
;   VERSION     the full version (0.1.0-120-gc89e184)
;   WINVERSION  four numbers for the version resource (0.1.0.120)
;   APPID       app.mailwizard.wizard, with "-<provider>" when locked
;   SUFFIX      "" or "-<provider>"
;   SRCDIR      where mailwizard.exe and mailwizard-cli.exe are
;   ICON        the .ico of both programs and of this installer
;   OUTFILE     the installer to write
; A locked build is its own application: its own folder, Start menu entry,
; uninstall entry and ProgID, so it installs beside the general one.

Unicode true
SetCompressor /SOLID lzma
ManifestDPIAware true
ManifestSupportedOS Win10
RequestExecutionLevel user

!macro Needs DEFINE
	!ifndef ${DEFINE}
		!error "${DEFINE} is not defined: run scripts/package-windows.sh, which defines it"
	!endif
!macroend
!insertmacro Needs NAME
!insertmacro Needs VERSION
!insertmacro Needs WINVERSION
!insertmacro Needs APPID
!insertmacro Needs SRCDIR
!insertmacro Needs ICON
!insertmacro Needs OUTFILE
!ifndef SUFFIX
	!define SUFFIX ""
!endif

!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"
!define PROGID "MailWizard${SUFFIX}.Preset"
!define EXT ".mwpreset"
; SHChangeNotify(SHCNE_ASSOCCHANGED, SHCNF_IDLIST, NULL, NULL): Explorer
; rereads the associations and the icons of .mwpreset files.
!define NOTIFY_ASSOC "shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)"

Name "${NAME}"
Caption "${NAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${NAME}"
; A second install goes where the first went.
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
BrandingText "${NAME} ${VERSION}"

; The installer's own properties (Explorer, Details).
VIProductVersion "${WINVERSION}"
VIFileVersion "${WINVERSION}"
VIAddVersionKey /LANG=0 "ProductName" "${NAME}"
VIAddVersionKey /LANG=0 "CompanyName" "${NAME}"
VIAddVersionKey /LANG=0 "FileDescription" "${NAME} Setup"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${NAME}"
VIAddVersionKey /LANG=0 "OriginalFilename" "mailwizard${SUFFIX}-setup.exe"

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_ALLLANGUAGES
; The language chosen is kept for the uninstaller.
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "${UNINSTKEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
!define MUI_FINISHPAGE_RUN "$INSTDIR\mailwizard.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Dutch"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString SecProgram ${LANG_ENGLISH} "${NAME}"
LangString SecProgram ${LANG_DUTCH} "${NAME}"
LangString SecProgramDesc ${LANG_ENGLISH} "The wizard's window (mailwizard.exe) and its command-line twin for cmd and PowerShell (mailwizard-cli.exe)."
LangString SecProgramDesc ${LANG_DUTCH} "Het venster van de wizard (mailwizard.exe) en zijn tweeling voor de opdrachtregel in cmd en PowerShell (mailwizard-cli.exe)."
LangString SecStartMenu ${LANG_ENGLISH} "Start menu entry"
LangString SecStartMenu ${LANG_DUTCH} "Snelkoppeling in het menu Start"
LangString SecStartMenuDesc ${LANG_ENGLISH} "Opens the wizard from the Start menu."
LangString SecStartMenuDesc ${LANG_DUTCH} "Opent de wizard vanuit het menu Start."
LangString SecAssoc ${LANG_ENGLISH} "Open .mwpreset files"
LangString SecAssoc ${LANG_DUTCH} ".mwpreset-bestanden openen"
LangString SecAssocDesc ${LANG_ENGLISH} "A double-click on a preset from your support desk (customer.mwpreset) opens the wizard with it."
LangString SecAssocDesc ${LANG_DUTCH} "Dubbelklikken op een voorinstelling van uw helpdesk (klant.mwpreset) opent de wizard ermee."
LangString PresetType ${LANG_ENGLISH} "Mail wizard preset"
LangString PresetType ${LANG_DUTCH} "Voorinstelling voor de mailwizard"
LangString ShortcutDesc ${LANG_ENGLISH} "Set up how a hosted service sends mail for your domain"
LangString ShortcutDesc ${LANG_DUTCH} "Stel in hoe een gehoste dienst mail verstuurt voor uw domein"

Section "!$(SecProgram)" SecProgramID
	SectionIn RO
	SetOutPath "$INSTDIR"
	File "${SRCDIR}\mailwizard.exe"
	File "${SRCDIR}\mailwizard-cli.exe"
	WriteUninstaller "$INSTDIR\uninstall.exe"

	WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${NAME}"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${NAME}"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" '"$INSTDIR\mailwizard.exe",0'
	WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
	${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
	WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

Section "$(SecStartMenu)" SecStartMenuID
	CreateShortcut "$SMPROGRAMS\${NAME}.lnk" "$INSTDIR\mailwizard.exe" "" "$INSTDIR\mailwizard.exe" 0 \
		SW_SHOWNORMAL "" "$(ShortcutDesc)"
SectionEnd

Section "$(SecAssoc)" SecAssocID
	; Per user: HKCU\Software\Classes, which Windows merges into HKCR.
	WriteRegStr HKCU "Software\Classes\${EXT}" "" "${PROGID}"
	WriteRegStr HKCU "Software\Classes\${EXT}" "Content Type" "application/x-mwpreset+json"
	WriteRegStr HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}" ""
	WriteRegStr HKCU "Software\Classes\${PROGID}" "" "$(PresetType)"
	WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" '"$INSTDIR\mailwizard.exe",0'
	WriteRegStr HKCU "Software\Classes\${PROGID}\shell" "" "open"
	WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\mailwizard.exe" --preset "%1"'
	System::Call '${NOTIFY_ASSOC}'
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
	!insertmacro MUI_DESCRIPTION_TEXT ${SecProgramID} $(SecProgramDesc)
	!insertmacro MUI_DESCRIPTION_TEXT ${SecStartMenuID} $(SecStartMenuDesc)
	!insertmacro MUI_DESCRIPTION_TEXT ${SecAssocID} $(SecAssocDesc)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
	SetShellVarContext current
	!insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
	SetShellVarContext current
	!insertmacro MUI_UNGETLANGUAGE
FunctionEnd

Section "Uninstall"
	Delete "$INSTDIR\mailwizard.exe"
	Delete "$INSTDIR\mailwizard-cli.exe"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR" ; only when empty: never files the user put there
	Delete "$SMPROGRAMS\${NAME}.lnk"

	; The extension is left alone when another program has taken it since.
	ReadRegStr $0 HKCU "Software\Classes\${EXT}" ""
	StrCmp $0 "${PROGID}" 0 +2
		DeleteRegValue HKCU "Software\Classes\${EXT}" ""
	DeleteRegValue HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}"
	DeleteRegKey /ifempty HKCU "Software\Classes\${EXT}\OpenWithProgids"
	ReadRegStr $0 HKCU "Software\Classes\${EXT}" ""
	StrCmp $0 "" 0 +3
		DeleteRegValue HKCU "Software\Classes\${EXT}" "Content Type"
		DeleteRegKey /ifempty HKCU "Software\Classes\${EXT}"
	DeleteRegKey HKCU "Software\Classes\${PROGID}"
	DeleteRegKey HKCU "${UNINSTKEY}"
	System::Call '${NOTIFY_ASSOC}'
SectionEnd
