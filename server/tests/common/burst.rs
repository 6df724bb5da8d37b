//! A burst of openings with a server stopped in the middle of it, shared by the
//! durability test (one instance, stopped) and the cluster test (two behind nginx, one
//! killed): which numbers were acknowledged, whatever happened to the rest.

use super::opening::{form, png, solved_captcha_at};
use super::process::Running;
use app::api::request::SubmitOutcome;
use std::sync::Arc;

/// How the server is stopped in the middle of the burst.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stop {
    Kill,
    Terminate,
}

/// Openings sent, how many are in flight at once, and after how many numbers the
/// server is stopped (well before the end, so that the stop lands mid-burst).
pub struct Burst {
    pub openings: usize,
    pub in_flight: usize,
    pub stop_after: usize,
}

/// What one opening got back.
pub enum Answer {
    Number(String),
    /// An answer, but not a number: a mistake of the test's settings if it came before the stop.
    Refused(String),
    /// No (whole) answer: the server died first.
    None(String),
    /// The connection was refused: the server had stopped listening.
    NotConnected,
}

/// Opens one request with a multipart `body` at `url`.
pub async fn open(client: &reqwest::Client, url: &str, body: reqwest::multipart::Form) -> Answer {
    let response = match client.post(url).header("accept", "application/json").multipart(body).send().await {
        Ok(response) => response,
        Err(error) if error.is_connect() => return Answer::NotConnected,
        Err(error) => return Answer::None(error.to_string()),
    };
    let status = response.status().as_u16();
    let text = match response.text().await {
        Ok(text) => text,
        Err(error) => return Answer::None(error.to_string()),
    };
    match serde_json::from_str::<SubmitOutcome>(&text) {
        Ok(SubmitOutcome::Created { number, .. }) if status == 201 => Answer::Number(number),
        _ => Answer::Refused(format!("{status}: {text}")),
    }
}

impl Burst {
    /// Sends the burst to `base` (the server itself, or a balancer in front of it), each
    /// opening with a small image, and stops `server` after `stop_after` numbers; every
    /// number whose answer arrived, even after the stop (it was already on its way).
    pub async fn run(
        &self,
        client: &reqwest::Client,
        base: &str,
        server: &mut Running,
        fields: &[(&'static str, String)],
        stop: Stop,
    ) -> Vec<String> {
        // Captchas solved before the burst, as the citizens' browsers would have.
        let mut bodies = Vec::with_capacity(self.openings);
        for _ in 0..self.openings {
            let captcha = solved_captcha_at(client, base).await;
            bodies.push(form(fields, &captcha, vec![("tela.png".into(), png(8, 8))]));
        }
        let url = format!("{base}/api/chamados/cnes");
        let slots = Arc::new(tokio::sync::Semaphore::new(self.in_flight));
        let (answers, mut received) = tokio::sync::mpsc::unbounded_channel();
        for body in bodies {
            let (client, url, slots, answers) = (client.clone(), url.clone(), slots.clone(), answers.clone());
            tokio::spawn(async move {
                let Ok(_slot) = slots.acquire_owned().await else { return };
                let _ = answers.send(open(&client, &url, body).await);
            });
        }
        drop(answers);
        let mut numbers = Vec::new();
        let mut stopped = false;
        while let Some(answer) = received.recv().await {
            match answer {
                Answer::Number(number) => {
                    numbers.push(number);
                    if numbers.len() == self.stop_after {
                        match stop {
                            Stop::Kill => server.kill(),
                            Stop::Terminate => server.terminate(),
                        }
                        stopped = true;
                    }
                }
                Answer::Refused(why) if !stopped => panic!("opening refused before the stop: {why}"),
                // Stopped gracefully, the server answers what it took; it cuts no one off.
                Answer::None(why) if stop == Stop::Terminate => panic!("a request was cut off by SIGTERM: {why}"),
                Answer::Refused(_) | Answer::None(_) | Answer::NotConnected => {}
            }
        }
        assert!(stopped, "only {} numbers: the server was never stopped", numbers.len());
        numbers
    }
}
