from ninja import Router

router = Router(tags=["assessments"])
questionnaires_router = Router(tags=["questionnaires"])
