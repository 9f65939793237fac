//! The MSBuild targets of `msbuild/HeatRs` (the WiX SDK integration: `HarvestDirectory` and
//! `HarvestFile` items), built by a real MSBuild engine: Mono's `xbuild`, which evaluates
//! classic MSBuild projects. A sample project with several items of different metadata is built,
//! every `.wxs` it writes is compared byte for byte with a direct run of `heat` with the command
//! line WiX's HeatDirectory and HeatFile tasks would have built, and a second build must not run
//! heat again until an input changes.
//!
//! The WiX compile is a stand-in target with WiX's hook (`CoreCompile` depending on
//! `$(CoreCompileDependsOn)`), which writes `@(Compile)` to a file, so no WiX is needed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use kit::{project_dir, testdata, write_file};

use crate::heat;

fn targets() -> PathBuf {
    project_dir().join("msbuild/HeatRs/build/HeatRs.targets")
}

/// Runs `xbuild` on `project` (default target) with `HeatRsPath` set to the heat under test
/// when `heat_rs_path` is true; returns whether it succeeded and what it printed.
fn xbuild(project: &Path, heat_rs_path: bool) -> (bool, String) {
    let mut cmd = Command::new("xbuild");
    cmd.arg("/nologo").arg("/verbosity:normal");
    if heat_rs_path {
        cmd.arg(format!("/p:HeatRsPath={}", heat().path().display()));
    }
    let out = cmd
        .arg(project)
        .current_dir(project.parent().unwrap())
        .output()
        .expect("run xbuild");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), log)
}

fn xbuild_ok(project: &Path) -> String {
    let (ok, log) = xbuild(project, true);
    assert!(ok, "xbuild failed:\n{log}");
    log
}

/// The heat runs that a build log shows (xbuild logs each Exec command as `Executing: ...`).
fn heat_runs(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains("Executing:") && l.contains(".rsp"))
        .collect()
}

/// Sets `path`'s modification time to now, a little after anything written before.
fn touch(path: &Path) {
    std::thread::sleep(Duration::from_millis(50));
    let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now()).unwrap();
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .modified()
        .unwrap()
}

/// One item of the sample: the generated file's name (under `obj/Debug/`), and the heat
/// command line WiX's task would have run for it, its arguments separated by `|`: the paths as
/// the project writes them (relative to its folder, with Windows separators), no `-out`.
struct Expected {
    output: &'static str,
    args: &'static str,
}

/// Whether heat-rs was built with `-t` (the `xslt` feature): the sample's Transforms items
/// exist only then.
const XSLT: bool = cfg!(feature = "xslt");

/// Writes the sample project under `root/"sample project"` and returns the project file and
/// what each item should produce.
fn make_sample(root: &Path) -> (PathBuf, Vec<Expected>) {
    let dir = root.join("sample project");
    kit::write_files(
        &dir,
        &[
            "App Files/App.exe",
            "App Files/App.pdb",
            "App Files/Core.dll",
            "App Files/plugins/Plugin.dll",
            "App Files/plugins/Plugin.pdb",
            "Dätä/ünï/Fïlé one.txt",
            "Dätä/top.txt",
            "Tools/tool.exe",
            "Tools/x64/tool64.exe",
            "readme.txt",
            "Lïcense.rtf",
        ],
    );
    std::fs::create_dir_all(dir.join("Dätä/Empty")).unwrap();
    write_file(&dir.join("Package.wxs"), "<Wix />\n");
    std::fs::create_dir_all(dir.join("xsl")).unwrap();
    for xsl in ["drop-pdb.xsl", "stage1.xsl", "stage2.xsl"] {
        std::fs::copy(testdata("xslt").join(xsl), dir.join("xsl").join(xsl)).unwrap();
    }

    // Folders and files with spaces and non-ASCII letters; `Dätä\` ends in a backslash, as
    // Windows projects write folders; Tools is harvested twice under two group names.
    let app_transform = if XSLT {
        "<Transforms>xsl\\drop-pdb.xsl</Transforms>\n      <AdditionalOptions>-wix3</AdditionalOptions>"
    } else {
        ""
    };
    let staged = if XSLT {
        r#"
    <HarvestDirectory Include="Tools">
      <ComponentGroupName>App</ComponentGroupName>
      <Transforms>xsl\stage1.xsl;xsl\stage2.xsl</Transforms>
      <AdditionalOptions>-wix3</AdditionalOptions>
    </HarvestDirectory>"#
    } else {
        ""
    };
    let project = format!(
        r#"<Project ToolsVersion="4.0" DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <PropertyGroup>
    <IntermediateOutputPath>obj\Debug\</IntermediateOutputPath>
    <HarvestFileSuppressUniqueIds>true</HarvestFileSuppressUniqueIds>
  </PropertyGroup>
  <ItemGroup>
    <Compile Include="Package.wxs" />
    <HarvestDirectory Include="App Files">
      <ComponentGroupName>AppFiles</ComponentGroupName>
      <DirectoryRefId>INSTALLFOLDER</DirectoryRefId>
      <PreprocessorVariable>var.AppDir</PreprocessorVariable>
      <SuppressRootDirectory>true</SuppressRootDirectory>
      {app_transform}
    </HarvestDirectory>
    <HarvestDirectory Include="Dätä\">
      <ComponentGroupName>Data</ComponentGroupName>
      <KeepEmptyDirectories>true</KeepEmptyDirectories>
      <SuppressFragments>false</SuppressFragments>
      <AdditionalOptions>-indent 2</AdditionalOptions>
    </HarvestDirectory>
    <HarvestDirectory Include="Tools">
      <ComponentGroupName>ToolFiles</ComponentGroupName>
      <DirectoryRefId>TOOLSDIR</DirectoryRefId>
      <AutogenerateGuids>false</AutogenerateGuids>
      <GenerateGuidsNow>true</GenerateGuidsNow>
    </HarvestDirectory>{staged}
    <HarvestFile Include="readme.txt">
      <ComponentGroupName>Readme</ComponentGroupName>
      <DirectoryRefId>INSTALLFOLDER</DirectoryRefId>
      <SuppressRootDirectory>true</SuppressRootDirectory>
    </HarvestFile>
    <HarvestFile Include="Lïcense.rtf">
      <ComponentGroupName>Docs</ComponentGroupName>
      <PreprocessorVariable>var.DocDir</PreprocessorVariable>
    </HarvestFile>
  </ItemGroup>

  <Import Project="{targets}" />

  <!-- The stand-in for the WiX SDK's wix.targets: its own steps first, then what it found. -->
  <PropertyGroup>
    <CoreCompileDependsOn>StandInResolve;$(CoreCompileDependsOn)</CoreCompileDependsOn>
  </PropertyGroup>
  <Target Name="StandInResolve" />
  <Target Name="CoreCompile" DependsOnTargets="$(CoreCompileDependsOn)">
    <WriteLinesToFile File="$(IntermediateOutputPath)compile.txt" Lines="@(Compile)" Overwrite="true" />
  </Target>
  <Target Name="Build" DependsOnTargets="CoreCompile" />
</Project>
"#,
        targets = targets().display()
    );
    let project_file = dir.join("Sample.wixproj");
    write_file(&project_file, &project);

    let mut expected = vec![
        Expected {
            output: "_AppFiles_dir.wxs",
            args: if XSLT {
                r"dir|App Files|-cg|AppFiles|-dr|INSTALLFOLDER|-srd|-var|var.AppDir|-nologo|-wix3|-ag|-sfrag|-t|xsl\drop-pdb.xsl"
            } else {
                "dir|App Files|-cg|AppFiles|-dr|INSTALLFOLDER|-srd|-var|var.AppDir|-nologo|-ag|-sfrag"
            },
        },
        Expected {
            output: "_Data_dir.wxs",
            args: r"dir|Dätä\|-cg|Data|-ke|-nologo|-indent|2|-ag",
        },
        Expected {
            output: "_ToolFiles_dir.wxs",
            args: "dir|Tools|-cg|ToolFiles|-dr|TOOLSDIR|-nologo|-gg|-sfrag",
        },
        Expected {
            output: "_Readme_INSTALLFOLDER_readme.txt_file.wxs",
            args: "file|readme.txt|-cg|Readme|-dr|INSTALLFOLDER|-srd|-nologo|-ag|-sfrag|-suid",
        },
        Expected {
            output: "_Docs__Lïcense.rtf_file.wxs",
            args: "file|Lïcense.rtf|-cg|Docs|-var|var.DocDir|-nologo|-ag|-sfrag|-suid",
        },
    ];
    if XSLT {
        expected.push(Expected {
            output: "_App_dir.wxs",
            args: r"dir|Tools|-cg|App|-nologo|-wix3|-ag|-sfrag|-t|xsl\stage1.xsl|-t|xsl\stage2.xsl",
        });
    }
    (project_file, expected)
}

/// Runs each expected command line directly into `root/direct/` and checks that the build
/// wrote the same bytes.
fn compare_with_direct_runs(root: &Path, project_dir: &Path, expected: &[Expected]) {
    let direct = root.join("direct");
    std::fs::create_dir_all(&direct).unwrap();
    for e in expected {
        let out = direct.join(e.output);
        let mut args: Vec<&str> = e.args.split('|').collect();
        args.extend(["-out", out.to_str().unwrap()]);
        heat().ok(project_dir, &args);
        let built = project_dir.join("obj/Debug").join(e.output);
        let built_bytes = std::fs::read(&built)
            .unwrap_or_else(|err| panic!("the build did not write {}: {err}", built.display()));
        let direct_bytes = std::fs::read(&out).unwrap();
        assert!(
            built_bytes == direct_bytes,
            "{} differs from `heat {}`:\n--- built\n{}\n--- direct\n{}",
            e.output,
            e.args.replace('|', " "),
            String::from_utf8_lossy(&built_bytes),
            String::from_utf8_lossy(&direct_bytes)
        );
    }
}

fn mtimes(project_dir: &Path, expected: &[Expected]) -> BTreeMap<&'static str, SystemTime> {
    expected
        .iter()
        .map(|e| {
            (
                e.output,
                mtime(&project_dir.join("obj/Debug").join(e.output)),
            )
        })
        .collect()
}

/// The outputs whose modification time changed between `before` and now.
fn rewritten(
    project_dir: &Path,
    expected: &[Expected],
    before: &BTreeMap<&'static str, SystemTime>,
) -> Vec<&'static str> {
    let now = mtimes(project_dir, expected);
    expected
        .iter()
        .map(|e| e.output)
        .filter(|o| now[o] != before[o])
        .collect()
}

#[test]
#[cfg_attr(
    not(has_tool_xbuild),
    ignore = "needs xbuild (Debian mono-xbuild; .ci/run installs it)"
)]
fn sample_wixproj_writes_what_direct_runs_write_and_builds_incrementally() {
    kit::require_tool("xbuild");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let (project, expected) = make_sample(root);
    let dir = project.parent().unwrap().to_path_buf();

    // First build: every item is harvested once, where WixToolset.Heat wrote it, and added to
    // @(Compile) after the project's own sources.
    let log = xbuild_ok(&project);
    assert_eq!(heat_runs(&log).len(), expected.len(), "{log}");
    compare_with_direct_runs(root, &dir, &expected);
    let compile = std::fs::read_to_string(dir.join("obj/Debug/compile.txt")).unwrap();
    let compile: Vec<&str> = compile.lines().collect();
    assert_eq!(compile[0], "Package.wxs", "{compile:?}");
    assert_eq!(compile.len(), 1 + expected.len(), "{compile:?}");
    for e in &expected {
        assert!(
            compile
                .iter()
                .any(|c| c.replace('\\', "/") == format!("obj/Debug/{}", e.output)),
            "{} is not in @(Compile): {compile:?}",
            e.output
        );
    }

    // The metadata took effect (the byte comparison alone would not see a switch that both
    // sides lack).
    let read = |name: &str| std::fs::read_to_string(dir.join("obj/Debug").join(name)).unwrap();
    let app = read("_AppFiles_dir.wxs");
    assert!(
        app.contains(r#"<DirectoryRef Id="INSTALLFOLDER">"#),
        "{app}"
    );
    assert!(app.contains(r"$(var.AppDir)\plugins\Plugin.dll"), "{app}");
    assert!(!app.contains(r#"Name="App Files""#), "-srd: {app}");
    if XSLT {
        assert!(!app.contains(".pdb"), "drop-pdb.xsl: {app}");
        assert!(read("_App_dir.wxs").contains(r#"<ComponentGroup Id="Stage2">"#));
    }
    let data = read("_Data_dir.wxs");
    assert!(data.contains(r#"Name="Empty""#), "-ke: {data}");
    assert!(data.contains(r#"Name="Dätä""#), "{data}");
    assert!(data.matches("<Fragment>").count() > 2, "no -sfrag: {data}");
    let tools = read("_ToolFiles_dir.wxs");
    assert!(
        !tools.contains(r#"Guid="*""#) && tools.contains("Guid=\"{"),
        "-gg: {tools}"
    );
    assert!(read("_Readme_INSTALLFOLDER_readme.txt_file.wxs").contains(r#"Id="readme.txt""#));

    // Nothing changed: heat does not run, and no output is rewritten.
    let before = mtimes(&dir, &expected);
    let log = xbuild_ok(&project);
    assert!(heat_runs(&log).is_empty(), "heat ran again:\n{log}");
    assert!(rewritten(&dir, &expected, &before).is_empty());
    let compile_again = std::fs::read_to_string(dir.join("obj/Debug/compile.txt")).unwrap();
    assert_eq!(compile_again.lines().count(), 1 + expected.len());

    // A file of one folder changes: only that folder's item is harvested again.
    touch(&dir.join("Dätä/ünï/Fïlé one.txt"));
    let log = xbuild_ok(&project);
    assert_eq!(heat_runs(&log).len(), 1, "{log}");
    assert_eq!(rewritten(&dir, &expected, &before), ["_Data_dir.wxs"]);
    compare_with_direct_runs(root, &dir, &expected);

    // ... and the build after that is quiet again.
    let before = mtimes(&dir, &expected);
    let log = xbuild_ok(&project);
    assert!(heat_runs(&log).is_empty(), "heat ran again:\n{log}");
    assert!(rewritten(&dir, &expected, &before).is_empty());

    // A removed file changes no time in the folder; the list of its files notices.
    std::fs::remove_file(dir.join("App Files/plugins/Plugin.dll")).unwrap();
    let log = xbuild_ok(&project);
    assert_eq!(heat_runs(&log).len(), 1, "{log}");
    assert_eq!(rewritten(&dir, &expected, &before), ["_AppFiles_dir.wxs"]);
    assert!(!read("_AppFiles_dir.wxs").contains("Plugin.dll"));
    compare_with_direct_runs(root, &dir, &expected);

    // A transform changes: the item that uses it runs again.
    if XSLT {
        let before = mtimes(&dir, &expected);
        touch(&dir.join("xsl/stage2.xsl"));
        let log = xbuild_ok(&project);
        assert_eq!(heat_runs(&log).len(), 1, "{log}");
        assert_eq!(rewritten(&dir, &expected, &before), ["_App_dir.wxs"]);
    }

    // The project file changes: every item runs again (its metadata may have changed).
    let before = mtimes(&dir, &expected);
    touch(&project);
    let log = xbuild_ok(&project);
    assert_eq!(heat_runs(&log).len(), expected.len(), "{log}");
    assert_eq!(rewritten(&dir, &expected, &before).len(), expected.len());
    compare_with_direct_runs(root, &dir, &expected);
}

/// WixToolset.Heat names a HarvestDirectory output after its ComponentGroupName alone, so two
/// items with the same group would write one file: the build says so instead of losing one.
#[test]
#[cfg_attr(
    not(has_tool_xbuild),
    ignore = "needs xbuild (Debian mono-xbuild; .ci/run installs it)"
)]
fn two_items_writing_one_file_fail_the_build() {
    kit::require_tool("xbuild");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_file(&dir.join("one/a.txt"), "a");
    write_file(&dir.join("two/b.txt"), "b");
    let project = dir.join("Clash.wixproj");
    write_file(
        &project,
        format!(
            r#"<Project ToolsVersion="4.0" DefaultTargets="Harvest" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <PropertyGroup><IntermediateOutputPath>obj\</IntermediateOutputPath></PropertyGroup>
  <ItemGroup>
    <HarvestDirectory Include="one"><ComponentGroupName>Same</ComponentGroupName></HarvestDirectory>
    <HarvestDirectory Include="two"><ComponentGroupName>Same</ComponentGroupName></HarvestDirectory>
  </ItemGroup>
  <Import Project="{}" />
</Project>
"#,
            targets().display()
        ),
    );
    let (ok, log) = xbuild(&project, true);
    assert!(!ok, "{log}");
    assert!(
        log.contains("Two HarvestDirectory items would both write")
            && log.contains("_Same_dir.wxs"),
        "{log}"
    );
}

/// In the package's layout, with no `HeatRsPath`, the targets run the `heat` of its `tools/`
/// folder.
#[test]
#[cfg_attr(
    not(has_tool_xbuild),
    ignore = "needs xbuild (Debian mono-xbuild; .ci/run installs it)"
)]
fn package_layout_runs_the_heat_in_tools() {
    kit::require_tool("xbuild");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let package = root.join("packages/heatrs");
    std::fs::create_dir_all(package.join("build")).unwrap();
    std::fs::create_dir_all(package.join("tools")).unwrap();
    std::fs::copy(targets(), package.join("build/HeatRs.targets")).unwrap();
    std::fs::copy(heat().path(), package.join("tools/heat")).unwrap();

    let dir = root.join("proj");
    write_file(&dir.join("notes.txt"), "n");
    let project = dir.join("Pkg.wixproj");
    write_file(
        &project,
        format!(
            r#"<Project ToolsVersion="4.0" DefaultTargets="Harvest" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <PropertyGroup><IntermediateOutputPath>obj\</IntermediateOutputPath></PropertyGroup>
  <ItemGroup>
    <HarvestFile Include="notes.txt"><ComponentGroupName>Notes</ComponentGroupName></HarvestFile>
  </ItemGroup>
  <Import Project="{}" />
</Project>
"#,
            package.join("build/HeatRs.targets").display()
        ),
    );
    let (ok, log) = xbuild(&project, false);
    assert!(ok, "{log}");
    let runs = heat_runs(&log);
    assert!(
        runs.len() == 1 && runs[0].contains("tools/heat"),
        "not the package's heat:\n{log}"
    );
    let built = std::fs::read(dir.join("obj/_Notes__notes.txt_file.wxs")).unwrap();
    let direct = dir.join("direct.wxs");
    let mut args: Vec<&str> = "file|notes.txt|-cg|Notes|-nologo|-ag|-sfrag"
        .split('|')
        .collect();
    args.extend(["-out", direct.to_str().unwrap()]);
    heat().ok(&dir, &args);
    assert_eq!(built, std::fs::read(direct).unwrap());
}
