; Inno Setup script for Quote Board on Windows: a per-user install (no administrator rights) of
; the PyInstaller bundle in dist\quoteboard, with a Start-menu shortcut, an optional desktop
; shortcut and an uninstaller (Settings > Apps). Needs Inno Setup 6.3 or later.
;
; Built by installer\windows\build.ps1, which makes the bundle first and passes the version:
;   iscc /DAppVersion=0.1.0 installer\windows\quoteboard.iss
; Output: dist\QuoteBoard-<version>-setup.exe. Not built or run on the project's Linux CI.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z installer\windows\quoteboard.iss
#endif
#define AppName "Quote Board"
#define AppExe "quoteboard.exe"
#define Bundle SourcePath + "..\..\dist\quoteboard"

#if !FileExists(Bundle + "\" + AppExe)
  #error No bundle in dist\quoteboard: run pyinstaller --noconfirm installer\quoteboard.spec first
#endif

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{3858D134-F94A-4761-ABB4-0B9A55C56647}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Quote Board developers
; Per user: {autopf} is %LOCALAPPDATA%\Programs when installing without elevation.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile=quoteboard.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=QuoteBoard-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; Upgrading while the app runs: ask to close it rather than leave a half-replaced bundle.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade replaces the whole bundle: no stale library from the previous version survives.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Real-time US and Hong Kong stock quotes"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
