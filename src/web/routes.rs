//! The route table: every (method, path) the server answers is added here, through
//! [`RouteTable`], and nowhere else. The server installs the table; [`crate::web::route_list`]
//! gives the same list to tests, so the authorization matrix (tests/api/authz_matrix.rs) can
//! hold a row for every route and fail when one is added without saying who may call it.

use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, Resource, Responder};

/// The routes as they are added: one resource per path (in the order paths first appear, which
/// is the order actix tries them), each with its methods.
#[derive(Default)]
pub struct RouteTable {
    resources: Vec<(&'static str, Resource)>,
    listed: Vec<(Method, &'static str)>,
}

impl RouteTable {
    pub fn get<F, Args>(&mut self, path: &'static str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::GET, path, handler)
    }

    pub fn post<F, Args>(&mut self, path: &'static str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::POST, path, handler)
    }

    pub fn head<F, Args>(&mut self, path: &'static str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::HEAD, path, handler)
    }

    fn add<F, Args>(&mut self, method: Method, path: &'static str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.listed.push((method.clone(), path));
        let route = web::route().method(method).to(handler);
        match self.resources.iter_mut().find(|(p, _)| *p == path) {
            Some((_, resource)) => {
                let taken = std::mem::replace(resource, web::resource(path));
                *resource = taken.route(route);
            }
            None => self.resources.push((path, web::resource(path).route(route))),
        }
        self
    }

    /// (method, path pattern) of every route, in the order they were added.
    pub fn list(&self) -> &[(Method, &'static str)] {
        &self.listed
    }

    /// Registers every route with the application.
    pub fn install(self, cfg: &mut web::ServiceConfig) {
        for (_, resource) in self.resources {
            cfg.service(resource);
        }
    }
}
