#Requires -Version 7.6
<#
.SYNOPSIS
    Prints a .deb's control fields and its first data entries, like `dpkg-deb -I` and `dpkg-deb -c`.
.EXAMPLE
    ./Get-DebInfo.ps1 -AssemblyDirectory out/apt-ostree -Path ./hello_2.10-3_amd64.deb
#>
param(
    [Parameter(Mandatory)] [string] $AssemblyDirectory,
    [Parameter(Mandatory)] [string] $Path,
    [int] $First = 10
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Import-AptOstree.ps1') -AssemblyDirectory $AssemblyDirectory

$package = [AptOstree.Deb.DebPackage]::Open((Resolve-Path $Path).Path)
try {
    $package.Control.ControlText.TrimEnd()
    ''
    $package.GetDataEntries() | Select-Object -First $First |
        ForEach-Object { '{0} {1,10} {2}' -f [Convert]::ToString($_.Mode, 8), $_.Size, $_.Path }
}
finally {
    $package.Dispose()
}
