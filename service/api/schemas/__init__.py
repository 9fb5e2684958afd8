"""The API declared once: request and response models (pydantic), the operations they belong to (spectree),
and the OpenAPI document generated from them.

- ``spec``: the spectree instance, ``operation(...)`` (declare an operation on its view), ``checked_body`` and
  ``checked_query`` (the declared models applied once the caller is known);
- ``plain_words``: a validation error said in the API's words, naming the field;
- ``answers``: the error answer and the responses every operation may give;
- ``document``: the OpenAPI document and the reference page at /api/docs;
- the rest, one module per area: the models of its requests and answers.
"""
