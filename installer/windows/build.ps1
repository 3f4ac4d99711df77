# Build the Windows installer: dist\QuoteBoard-<version>-setup.exe.
#
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
#
# Needs Python 3.11+ (the `py` launcher) and Inno Setup 6.3+ (iscc on PATH, or installed in its
# default folder). Makes a clean venv in build\venv-windows (PyInstaller wants exactly one Qt
# binding), builds the bundle from installer\quoteboard.spec, then the installer from
# installer\windows\quoteboard.iss. Not run on the project's Linux CI.
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path "$PSScriptRoot\..\..")

function Invoke-Checked {
    param([string]$Exe, [string[]]$Arguments)
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe failed with exit code $LASTEXITCODE" }
}

$venv = "build\venv-windows"
if (-not (Test-Path "$venv\Scripts\python.exe")) { Invoke-Checked "py" @("-3", "-m", "venv", $venv) }
$python = "$venv\Scripts\python.exe"
Invoke-Checked $python @("-m", "pip", "install", "--quiet", "--upgrade", "pip")
Invoke-Checked $python @("-m", "pip", "install", "--quiet", ".[build,postgres]")
Invoke-Checked "$venv\Scripts\pyinstaller.exe" @(
    "--noconfirm", "--clean", "--distpath", "dist", "--workpath", "build\pyinstaller",
    "installer\quoteboard.spec")

# The windowed quoteboard.exe has no console to print --version to: ask the package instead.
$version = (& $python -c "import desktop; print(desktop.__version__)").Trim()

$iscc = (Get-Command iscc -ErrorAction SilentlyContinue).Source
if (-not $iscc) {
    $iscc = @(
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
        "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
    ) | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $iscc) { throw "Inno Setup 6 (ISCC.exe) not found: install it from jrsoftware.org" }
Invoke-Checked $iscc @("/DAppVersion=$version", "installer\windows\quoteboard.iss")
Write-Host "Built dist\QuoteBoard-$version-setup.exe"
