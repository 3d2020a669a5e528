//! Creates a certification on real Microsoft Graph (beta) with a credential
//! from `azure_identity`: the Azure CLI (or Azure Developer CLI) sign-in by
//! default, an app registration's client secret when `AZURE_CLIENT_SECRET`
//! is set. README.md beside this file says how to set either up.
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::sync::Arc;

use msgraph_profile::Deployment;
use msgraph_profile::client::Client;
use msgraph_profile::client::azure::azure_core::credentials::TokenCredential;
use msgraph_profile::client::azure::azure_identity::{
    ClientSecretCredential, ClientSecretCredentialOptions, DeveloperToolsCredential,
};
use msgraph_profile::client::azure::client_options;
use msgraph_profile::models::PersonCertification;

const USAGE: &str = "usage: create-certification [--cloud global|usGovL4|usGovL5|china] [--user ID-OR-UPN] DISPLAY-NAME

Creates a certification named DISPLAY-NAME in a user's profile on Microsoft Graph (beta).
Signs in with the Azure CLI or Azure Developer CLI (`az login`, `azd auth login`), or, when
AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are set, as that app registration,
which needs --user (an application has no /me).";

#[derive(Debug, PartialEq)]
struct Args {
    deployment: Deployment,
    user: Option<String>,
    display_name: String,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let (mut deployment, mut user, mut display_name) = (Deployment::Global, None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--cloud" => {
                let name = args.next().ok_or("--cloud needs a value")?;
                deployment = Deployment::ALL
                    .into_iter()
                    .find(|d| d.name().eq_ignore_ascii_case(&name))
                    .ok_or_else(|| format!("unknown cloud `{name}`"))?;
            }
            "--user" => user = Some(args.next().ok_or("--user needs a value")?),
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with('-') => return Err(format!("unknown flag `{flag}`")),
            _ if display_name.is_some() => return Err("give one display name (quote it if it has spaces)".into()),
            _ => display_name = Some(arg),
        }
    }
    let display_name = display_name.ok_or("no display name")?;
    Ok(Args { deployment, user, display_name })
}

/// The app registration's secret from the environment, else the developer's sign-in.
fn credential(deployment: Deployment) -> Result<(Arc<dyn TokenCredential>, bool), Box<dyn std::error::Error>> {
    let Ok(secret) = std::env::var("AZURE_CLIENT_SECRET") else {
        return Ok((DeveloperToolsCredential::new(None)?, false));
    };
    let tenant = std::env::var("AZURE_TENANT_ID").map_err(|_| "AZURE_CLIENT_SECRET needs AZURE_TENANT_ID")?;
    let client_id = std::env::var("AZURE_CLIENT_ID").map_err(|_| "AZURE_CLIENT_SECRET needs AZURE_CLIENT_ID")?;
    // The cloud's authority and the client's own HTTPS transport.
    let options = ClientSecretCredentialOptions { client_options: client_options(deployment)? };
    Ok((ClientSecretCredential::new(&tenant, client_id, secret.into(), Some(options))?, true))
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let (credential, application) = credential(args.deployment)?;
    if application && args.user.is_none() {
        return Err("signed in as an application: say whose profile with --user".into());
    }
    let client = Client::builder().deployment(args.deployment).credential(credential).build()?;
    let body = PersonCertification::new().with_display_name(args.display_name);
    let created = match &args.user {
        Some(user) => client.user(user).profile().certifications().create(&body).await?,
        None => client.me().profile().certifications().create(&body).await?,
    };
    println!(
        "created certification {} ({:?}) on {}",
        created.id.as_deref().unwrap_or("(no id)"),
        created.display_name.as_deref().unwrap_or_default(),
        client.base_url()
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("error: {problem}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse(list.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn clouds_users_and_names() {
        let parsed = args(&["--cloud", "usgovl4", "--user", "adele@contoso.com", "Blackbelt"]).expect("valid");
        assert_eq!(
            parsed,
            Args {
                deployment: Deployment::UsGovL4,
                user: Some("adele@contoso.com".into()),
                display_name: "Blackbelt".into()
            }
        );
        assert_eq!(args(&["Blackbelt"]).map(|a| a.deployment), Ok(Deployment::Global));
        for bad in [&["--cloud", "mars", "x"][..], &["--cloud"], &[], &["a", "b"], &["--verbose", "x"]] {
            assert!(args(bad).is_err_and(|e| !e.is_empty()), "{bad:?}");
        }
    }
}
