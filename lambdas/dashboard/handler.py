"""Dashboard Lambda: FastAPI behind a Function URL, adapted by Mangum."""
from fastapi import FastAPI
from mangum import Mangum

app = FastAPI(title="sentiment-dashboard")


@app.get("/health")
def health() -> dict:
    return {"status": "healthy"}


lambda_handler = Mangum(app, lifespan="off")
