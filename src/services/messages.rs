//! Messages for residents, in English and Spanish.

use crate::domain::Language;

/// A field error message in the resident's language.
pub fn msg(lang: Language, key: &str) -> String {
    let (en, es) = match key {
        "citation_number" => ("Enter the citation number printed on your ticket, like DV-2026-000101.", "Escriba el número de citación impreso en su citación, por ejemplo DV-2026-000101."),
        "date_of_birth" => ("Enter your date of birth as year-month-day, like 1988-04-12.", "Escriba su fecha de nacimiento como año-mes-día, por ejemplo 1988-04-12."),
        "not_found" => ("We could not find a ticket with that citation number and date of birth. Check both and try again.", "No encontramos una citación con ese número de citación y esa fecha de nacimiento. Revise ambos e intente de nuevo."),
        "plea_missing" => ("Choose a plea.", "Elija una declaración."),
        "wrong_code" => ("We could not find a plea with that confirmation code and date of birth. Check the code (it starts with PD-) and try again.", "No encontramos una declaración con ese código de confirmación y esa fecha de nacimiento. Revise el código (empieza con PD-) e intente de nuevo."),
        "plea_not_allowed" => ("This charge cannot be answered by mail.", "Este cargo no se puede responder por correo."),
        "plea_unknown" => ("There is no charge with this number on your ticket.", "Su citación no tiene un cargo con este número."),
        "signature_name" => ("Type your full name to sign.", "Escriba su nombre completo para firmar."),
        "attest" => ("Check the box to confirm that the information is true.", "Marque la casilla para confirmar que la información es verdadera."),
        "email" => ("Enter an email address like name@example.org, or leave it empty.", "Escriba un correo electrónico como nombre@ejemplo.org, o déjelo vacío."),
        "phone" => ("Enter a phone number like 303-555-0101, or leave it empty.", "Escriba un teléfono como 303-555-0101, o déjelo vacío."),
        "statement" => ("Your statement is too long; keep it under 5,000 characters.", "Su explicación es demasiado larga; use menos de 5,000 caracteres."),
        "address" => ("Complete the address: street, city, state (two letters) and ZIP code.", "Complete la dirección: calle, ciudad, estado (dos letras) y código postal."),
        "deadline" => ("The deadline to answer this ticket by mail has passed. Please contact the court.", "La fecha límite para responder esta citación por correo ya pasó. Comuníquese con el tribunal."),
        "answered" => ("We already received a plea for this ticket. To change a plea, call or write to the court.", "Ya recibimos una declaración para esta citación. Para cambiarla, llame o escriba al tribunal."),
        "case_changed" => ("The court updated this ticket while you were answering. Look it up again, check the charges, and send your plea again.", "El tribunal actualizó esta citación mientras usted respondía. Búsquela de nuevo, revise los cargos y envíe su declaración otra vez."),
        "form" => ("Please correct the fields marked below.", "Corrija los campos marcados abajo."),
        "idempotency" => ("This request repeats an earlier one with different content; start again.", "Esta solicitud repite una anterior con otro contenido; empiece de nuevo."),
        _ => ("Please check this field.", "Revise este campo."),
    };
    match lang {
        Language::En => en.to_string(),
        Language::Es => es.to_string(),
    }
}
